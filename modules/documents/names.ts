// Names of folders and documents: shown to people, never used as a path on disk (files have server-made keys).

/** Longest name kept (the columns hold 255; core keeps uploaded names to 180). */
export const maxNameLength = 180;

// Control characters, and the bidirectional marks and overrides that make "gpj.exe" read as "exe.jpg".
const unsafeCharacters = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]/u;
// Windows will not open these, with or without an extension, whatever the case: a mounted drive must sync.
const reservedNames = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.[^.]*)?$/i;

/** The key two names share when they are "the same" in one folder: Unicode form (NFC) and case set aside. */
export function nameKey(name: string): string {
  return name.normalize("NFC").toLocaleLowerCase("und").normalize("NFC");
}

/**
 * A name typed or uploaded, as it will be kept, or the key of the reason it is refused: no path parts, no
 * control or direction characters, not "." or "..", no leading dot, no trailing dot or space, not a
 * Windows reserved name, at most maxNameLength characters. Normalised to NFC.
 */
export function checkName(raw: string): { name: string } | { error: string } {
  const name = raw.normalize("NFC").trim();
  if (!name) return { error: "documents:errors.nameEmpty" };
  if ([...name].length > maxNameLength) return { error: "documents:errors.nameLong" };
  if (unsafeCharacters.test(name)) return { error: "documents:errors.nameCharacters" };
  if (/[/\\:*?"<>|]/.test(name)) return { error: "documents:errors.nameCharacters" };
  if (name.startsWith(".") || /[. ]$/.test(name)) return { error: "documents:errors.nameDots" };
  if (reservedNames.test(name)) return { error: "documents:errors.nameReserved" };
  return { name };
}

/**
 * An uploaded file's name (already cleaned by core: last path part, no control or direction characters)
 * made acceptable rather than refused: characters Windows forbids become "_", a reserved name gets a "_"
 * in front, trailing dots and spaces go. What checkName still refuses (nothing left) is refused.
 */
export function uploadName(displayed: string): { name: string } | { error: string } {
  let name = displayed.normalize("NFC").replace(/[:*?"<>|]/g, "_").replace(/[. ]+$/, "").trim();
  if (reservedNames.test(name)) name = `_${name}`;
  return checkName(name);
}
