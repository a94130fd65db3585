/** Longest name kept; the database column holds 255 characters. */
export const maxNameLength = 180;

// Control characters, and the bidirectional overrides that make "gpj.exe" read as "exe.jpg".
const unsafeCharacters = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * The uploaded name as it may be shown: its last path component only, without control or
 * direction characters, never empty, at most maxNameLength characters with the extension kept.
 * Shown (escaped) and sent in Content-Disposition; never used to build a path on disk.
 */
export function displayName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? "";
  let name = base.normalize("NFC").replace(unsafeCharacters, "").replace(/\s+/g, " ").trim().replace(/^\.+/, "").trim();
  if (!name) return "file";
  const characters = [...name];
  if (characters.length > maxNameLength) {
    const extension = /\.[^.\s]{1,12}$/u.exec(name)?.[0] ?? "";
    name = characters.slice(0, maxNameLength - [...extension].length).join("").trimEnd() + extension;
  }
  return name;
}
