// The built-in badge icons: simple drawings on a 24×24 grid, in the text's colour (currentColor), decorative
// beside the badge's name (aria-hidden), so a screen reader reads the name once.
const shapes: Record<string, string> = {
  star: '<path d="M12 2.5l2.9 6 6.6.8-4.9 4.5 1.3 6.5L12 17l-5.9 3.3 1.3-6.5L2.5 9.3l6.6-.8z"/>',
  heart: '<path d="M12 20.5S3 14.8 3 8.8A4.8 4.8 0 0 1 12 6a4.8 4.8 0 0 1 9 2.8c0 6-9 11.7-9 11.7z"/>',
  trophy: '<path d="M7 3h10v3h3v2a4 4 0 0 1-4 4h-.4A5 5 0 0 1 13 14.9V18h3v3H8v-3h3v-3.1A5 5 0 0 1 8.4 12H8a4 4 0 0 1-4-4V6h3zm0 5V8H6a2 2 0 0 0 1 1.7zm10 0v1.7A2 2 0 0 0 18 8z"/>',
  bulb: '<path d="M12 2a7 7 0 0 0-4 12.7V17h8v-2.3A7 7 0 0 0 12 2zM9 18.5h6V20a2 2 0 0 1-2 2h-2a2 2 0 0 1-2-2z"/>',
  rocket: '<path d="M14.5 2.5c3 0 5 .5 7 2.5 0 5-3 9-7 11.5L13 19l-3-3-3-3 2.5-1.5C12 7.5 14 4.5 14.5 2.5zM15 7a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM6 14l4 4-3 3-3.5.5.5-3.5z"/>',
  hands: '<path d="M2 12l4-4 4 2 2-1 2 1 4-2 4 4-3 3h-1l-5 5a1.5 1.5 0 0 1-2.1 0L5.5 15H5z"/>',
};

export const iconKeys = Object.keys(shapes);

/** The inline SVG of a built-in icon (a star for an unknown key). */
export function iconSvg(key: string, size = 24): string {
  const shape = shapes[key] ?? shapes.star;
  return `<svg class="recognition-icon" viewBox="0 0 24 24" width="${size}" height="${size}" fill="currentColor" aria-hidden="true" focusable="false">${shape}</svg>`;
}

/** A badge's icon as HTML: its uploaded image, else its built-in drawing. Decorative: the badge's name is beside it. */
export function badgeIconHtml(badge: { icon: string; iconFileId: number | null }, size = 24): string {
  if (badge.iconFileId) return `<img class="recognition-icon" src="/recognition/icons/${badge.iconFileId}" width="${size}" height="${size}" alt="">`;
  return iconSvg(badge.icon, size);
}
