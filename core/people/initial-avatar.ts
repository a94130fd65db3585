/** Background colours for initials, picked by name so a person keeps theirs; all dark enough for white text. */
const colours = ["#1f5fbf", "#0f766e", "#7c3aed", "#b45309", "#be123c", "#4d7c0f", "#0369a1", "#6d28d9"];

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** An SVG square with the person's initial: the photo of someone without a photo. */
export function initialAvatar(displayName: string, username: string, side: number): string {
  const initial = [...displayName.trim()][0]?.toUpperCase() ?? "?";
  let hash = 0;
  for (const char of username) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const colour = colours[hash % colours.length];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}" viewBox="0 0 100 100">` +
    `<rect width="100" height="100" fill="${colour}"/>` +
    `<text x="50" y="50" dy=".35em" text-anchor="middle" font-family="system-ui, sans-serif" font-size="48" font-weight="700" fill="#fff">${escapeXml(initial)}</text></svg>`;
}
