import type { SiteSettings } from "../settings.ts";
import { photoUrl } from "./cards.ts";

/**
 * How a person appears wherever they are shown: their photo, or their initials on a colour of their own
 * (picked from the username, so two Annes are told apart and keep their colour when renamed).
 */
export interface Face {
  /** The photo's URL in the asked size, or null for initials. */
  photo: string | null;
  initials: string;
  /** Index of the initials' background in the palette (CSS classes tone-0 … tone-7). */
  tone: number;
}

/** Background colours for initials, all dark enough for white text (WCAG AA for bold text). */
export const faceColours = ["#1f5fbf", "#0f766e", "#7c3aed", "#b45309", "#be123c", "#4d7c0f", "#0369a1", "#6d28d9"];

export function toneOf(username: string): number {
  let hash = 0;
  for (const char of username) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % faceColours.length;
}

/** One letter per word of the name, the first and the last (Ana María Lopez → AL), upper-cased. */
export function initialsOf(displayName: string): string {
  const words = displayName.trim().split(/\s+/).filter((word) => /\p{L}|\p{N}/u.test(word));
  const first = (word: string | undefined) => [...(word ?? "").replace(/^[^\p{L}\p{N}]+/u, "")][0] ?? "";
  const letters = words.length > 1 ? first(words[0]) + first(words.at(-1)) : first(words[0]);
  return letters.toUpperCase() || "?";
}

/** Whether the site shows photos: the admin can switch the photo field off (core/people/profile-fields.ts). */
function photosShown(site: Partial<SiteSettings> | undefined): boolean {
  const hidden = (site as Record<string, unknown> | undefined)?.profileHiddenFields;
  return !(Array.isArray(hidden) && hidden.includes("photo"));
}

interface Person {
  username?: string;
  displayName?: string;
  photoKey?: string | null;
}

/** A person's face for a page (templates call it as `face(person, site, size)`); a missing person shows "?". */
export function faceOf(person: Person | null | undefined, site: Partial<SiteSettings> | undefined, size: "small" | "large" = "small"): Face {
  const username = person?.username ?? "";
  const photo = person?.photoKey && username && photosShown(site) ? photoUrl(username, person.photoKey, size) : null;
  return { photo, initials: person?.displayName ? initialsOf(person.displayName) : "?", tone: toneOf(username) };
}

export type AvatarSize = "small" | "medium" | "large";
const sides: Record<AvatarSize, number> = { small: 24, medium: 32, large: 64 };
const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** Text for HTML content or a quoted attribute (avatars, the initials SVG). */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => entities[char]);

/**
 * A person's avatar as HTML: their photo, else their initials on their own colour; "small" (comments, lists),
 * "medium" (entries, the top bar) or "large" (the profile). Decorative: the name is always beside it. Templates
 * call the global `avatar(person, size)` (core/views/environment.ts), a function rather than a macro: an
 * import "with context" of a macro file runs again on every render of every page.
 */
export function avatarHtml(person: Parameters<typeof faceOf>[0], site: Partial<SiteSettings> | undefined, size: string = "medium"): string {
  const shown: AvatarSize = size === "small" || size === "large" ? size : "medium";
  const face = faceOf(person, site, shown === "large" ? "large" : "small");
  const side = sides[shown];
  return face.photo
    ? `<img class="avatar avatar-${shown} avatar-photo" src="${escapeHtml(face.photo)}" alt="" width="${side}" height="${side}" loading="lazy">`
    : `<span class="avatar avatar-${shown} tone-${face.tone}" aria-hidden="true">${escapeHtml(face.initials)}</span>`;
}
