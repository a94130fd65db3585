import { escapeHtml, faceColours, initialsOf, toneOf } from "./faces.ts";

/** An SVG square with the person's initials on their colour: the photo of someone without a photo (the same face pages show). */
export function initialAvatar(displayName: string, username: string, side: number): string {
  const initials = initialsOf(displayName);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}" viewBox="0 0 100 100">` +
    `<rect width="100" height="100" fill="${faceColours[toneOf(username)]}"/>` +
    `<text x="50" y="50" dy=".35em" text-anchor="middle" font-family="system-ui, sans-serif" font-size="${initials.length > 1 ? 40 : 48}" font-weight="700" fill="#fff">${escapeHtml(initials)}</text></svg>`;
}
