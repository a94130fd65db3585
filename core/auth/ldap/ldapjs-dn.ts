import ldap from "ldapjs";
import { escapeDnValue, hexEscapedDn } from "./dn.ts";

/**
 * ldapjs 3 reads every DN into an object and writes it back out itself, and its writer leaves a
 * backslash in a value unescaped: "uid=odd\5cname" is read as "uid=oddname" by everyone after it.
 * So DNs cross the library here, in our spelling both ways.
 */

/** What ldapjs 3 hands over as a search result's objectName (the @types say string, wrongly). */
interface LdapjsDn {
  length: number;
  rdnAt(index: number): { keys(): Iterable<string>; getValue(name: string): unknown; toString(): string };
  toString(): string;
}

/** A search result's DN as the server meant it, each value escaped by our rules (RFC 4514). */
export function dnText(objectName: unknown): string {
  if (typeof objectName === "string" || !objectName) return String(objectName ?? "");
  const dn = objectName as LdapjsDn;
  const rdns: string[] = [];
  for (let index = 0; index < dn.length; index++) {
    const rdn = dn.rdnAt(index);
    const parts = [...rdn.keys()].map((name) => [name, rdn.getValue(name)] as const);
    // A BER (#hex) value is no text: ldapjs writes that one right.
    rdns.push(parts.every(([, value]) => typeof value === "string") ? parts.map(([name, value]) => `${name}=${escapeDnValue(value as string)}`).join("+") : rdn.toString());
  }
  return rdns.join(",");
}

/** A DN for ldapjs to send: its own object (it checks the type), written out as our hex-escaped text. */
export function wireDn(dn: string): ReturnType<typeof ldap.parseDN> {
  const text = hexEscapedDn(dn);
  return Object.assign(ldap.parseDN(text), { toString: () => text });
}
