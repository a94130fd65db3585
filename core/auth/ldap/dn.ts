/**
 * Distinguished names (RFC 4514). A server writes one DN many ways ("cn=Smith\, John" or
 * "CN=Smith\2C John", "cn=Zoë" or "cn=Zo\c3\ab"), so DNs are compared by their normal form and
 * shown in their readable form, never as received.
 */

export interface RdnPart {
  type: string;
  value: string;
}

/** A DN that cannot be read; callers treat the entry as broken and report it. */
export class DnSyntaxError extends Error {}

const special = new Set([",", "+", '"', "\\", "<", ">", ";", "=", "#", " "]);

/** Splits a DN into its RDNs, each a list of type=value parts (several when joined by "+"), values unescaped. */
export function parseDn(dn: string): RdnPart[][] {
  const rdns: RdnPart[][] = [];
  let parts: RdnPart[] = [];
  let index = 0;
  const text = dn.trim();
  if (text === "") return [];
  while (index <= text.length) {
    const equals = text.indexOf("=", index);
    if (equals < 0) throw new DnSyntaxError(`no "=" in ${JSON.stringify(dn)}`);
    const type = text.slice(index, equals).trim();
    if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)*)$/.test(type)) throw new DnSyntaxError(`bad attribute type ${JSON.stringify(type)}`);
    const { value, end } = readValue(text, equals + 1);
    parts.push({ type, value });
    index = end + 1;
    if (end >= text.length || text[end] === "," || text[end] === ";") {
      rdns.push(parts);
      parts = [];
      if (end >= text.length) break;
    }
  }
  return rdns;
}

/** Reads one attribute value from `start`; returns it unescaped and where it stopped (a separator or the end). */
function readValue(text: string, start: number): { value: string; end: number } {
  let index = start;
  while (text[index] === " ") index++;
  if (text[index] === "#") {
    // A BER-encoded value: kept as written, it compares by its hex.
    const match = /^#[0-9A-Fa-f]*/.exec(text.slice(index))!;
    return { value: match[0].toLowerCase(), end: skipSpaces(text, index + match[0].length) };
  }
  const bytes: number[] = [];
  let trailingSpaces = 0;
  while (index < text.length && !",+;".includes(text[index])) {
    const character = text[index];
    if (character === "\\") {
      const next = text.slice(index + 1, index + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(next)) {
        bytes.push(parseInt(next, 16));
        index += 3;
      } else if (index + 1 < text.length) {
        bytes.push(...Buffer.from(text[index + 1], "utf8"));
        index += 2;
      } else throw new DnSyntaxError("a DN ends with a lone backslash");
      trailingSpaces = 0;
      continue;
    }
    if (character === '"') throw new DnSyntaxError("quoted DN values are not supported");
    trailingSpaces = character === " " ? trailingSpaces + 1 : 0;
    bytes.push(...Buffer.from(character, "utf8"));
    index += character.length;
  }
  // Unescaped trailing spaces are not part of the value.
  const value = Buffer.from(bytes.slice(0, bytes.length - trailingSpaces)).toString("utf8");
  return { value, end: index };
}

function skipSpaces(text: string, index: number) {
  while (text[index] === " ") index++;
  return index;
}

/** RFC 4514 §2.4: escapes what must be escaped and leaves every other character (accents, CJK) as it is. */
export function escapeDnValue(value: string): string {
  if (value.startsWith("#") && /^#[0-9a-f]*$/.test(value)) return value;
  return value
    .split("")
    .map((character, index) => {
      if (character === "\u0000") return "\\00";
      if (character === " " && (index === 0 || index === value.length - 1)) return "\\ ";
      if (character === "#" && index === 0) return "\\#";
      if (special.has(character) && character !== " " && character !== "#" && character !== "=") return `\\${character}`;
      return character;
    })
    .join("");
}

function serialize(rdns: RdnPart[][], normalize: boolean): string {
  return rdns
    .map((parts) => {
      const written = parts.map(({ type, value }) => {
        const shownType = normalize ? type.toLowerCase() : type;
        const shownValue = normalize ? value.normalize("NFC").toLowerCase().replace(/\s+/g, " ") : value;
        return `${shownType}=${escapeDnValue(shownValue)}`;
      });
      // A multi-valued RDN is a set: its parts compare in any order.
      return (normalize ? written.sort() : written).join("+");
    })
    .join(",");
}

/** The form a person reads: escapes only where RFC 4514 requires them. */
export function readableDn(dn: string): string {
  return serialize(parseDn(dn), false);
}

/**
 * The DN with every character RFC 4514 lets be escaped written as a hex pair ("\2b" for "+"): the one
 * spelling client libraries all read right (ldapjs 3 misreads "\+"). Left as it is when unparseable.
 */
export function hexEscapedDn(dn: string): string {
  const hex = (value: string) =>
    [...value]
      .map((character, index, characters) => (special.has(character) || character === "\u0000") && (character !== " " || index === 0 || index === characters.length - 1) ? `\\${character.charCodeAt(0).toString(16).padStart(2, "0")}` : character)
      .join("");
  try {
    return parseDn(dn)
      .map((parts) => parts.map(({ type, value }) => `${type}=${value.startsWith("#") && /^#[0-9a-f]*$/.test(value) ? value : hex(value)}`).join("+"))
      .join(",");
  } catch {
    return dn;
  }
}

/** readableDn, or the DN as received when it cannot be parsed (shown, never compared). */
export function readableDnOrRaw(dn: string): string {
  try {
    return readableDn(dn);
  } catch {
    return dn;
  }
}

/** One spelling per DN, for comparing and as a map key: types and values lower-cased, spaces folded. */
export function normalizeDn(dn: string): string {
  return serialize(parseDn(dn), true);
}

/** normalizeDn, or null for a value that is not a DN (a posixGroup's memberUid, a broken member value). */
export function normalizeDnOrNull(dn: string): string | null {
  try {
    return normalizeDn(dn);
  } catch {
    return null;
  }
}
