/**
 * Conditional WebDAV requests: the If header (RFC 4918 §10.4) and If-Match / If-None-Match (RFC 9110 §13.1).
 * An If header is a set of lists, each a conjunction of conditions (a lock token, an entity tag, either negated);
 * untagged lists are about the request's own address, tagged ones about the address in front of them. It holds
 * when at least one list holds; if not, the request is refused with 412 before anything is written.
 */

export interface IfCondition {
  not: boolean;
  /** A state token (a lock token, or DAV:no-lock which no resource ever has). */
  token?: string;
  /** An entity tag, as sent (quoted, maybe W/). */
  etag?: string;
}

export interface IfList {
  /** The tagged address (absolute or a path), or null for the request's own. */
  resource: string | null;
  conditions: IfCondition[];
}

/** What a resource is now, for the conditions: its entity tag (null: none, a folder or no such file) and the tokens of the locks on it. */
export interface ResourceState {
  etag: string | null;
  tokens: Set<string>;
}

export class BadIfHeader extends Error {}

/** Parses an If header; throws BadIfHeader on anything the grammar does not allow (answered 400). */
export function parseIf(header: string): IfList[] {
  const lists: IfList[] = [];
  let at = 0;
  let tagged: boolean | null = null;
  let resource: string | null = null;
  const skip = () => {
    while (at < header.length && /\s/.test(header[at])) at += 1;
  };
  const until = (close: string) => {
    const end = header.indexOf(close, at + 1);
    if (end < 0) throw new BadIfHeader();
    const value = header.slice(at + 1, end);
    at = end + 1;
    return value;
  };
  for (skip(); at < header.length; skip()) {
    if (header[at] === "<") {
      // A resource tag: every list of the header is tagged then, or none is.
      if (tagged === false) throw new BadIfHeader();
      tagged = true;
      resource = until(">").trim();
      if (!resource) throw new BadIfHeader();
      skip();
      if (header[at] !== "(") throw new BadIfHeader();
      continue;
    }
    if (header[at] !== "(") throw new BadIfHeader();
    if (tagged === null) tagged = false;
    at += 1;
    const conditions: IfCondition[] = [];
    for (skip(); header[at] !== ")"; skip()) {
      if (at >= header.length) throw new BadIfHeader();
      let not = false;
      if (/^not\b/i.test(header.slice(at, at + 4)) && /\s|<|\[/.test(header[at + 3] ?? "")) {
        not = true;
        at += 3;
        skip();
      }
      if (header[at] === "<") conditions.push({ not, token: until(">").trim() });
      else if (header[at] === "[") {
        const etag = until("]").trim();
        if (!/^(W\/)?"[^"]*"$/.test(etag)) throw new BadIfHeader();
        conditions.push({ not, etag });
      } else throw new BadIfHeader();
    }
    at += 1;
    if (!conditions.length) throw new BadIfHeader();
    lists.push({ resource: tagged ? resource : null, conditions });
  }
  if (!lists.length) throw new BadIfHeader();
  return lists;
}

/** Entity tags compare strongly here (RFC 4918 §10.4.4: the strong comparison); a weak one never matches. */
const sameEtag = (sent: string, current: string | null) => current !== null && !sent.startsWith("W/") && sent === `"${current}"`;

/** Whether the header holds: one list whose conditions all hold on its resource. */
export async function ifHolds(lists: IfList[], stateOf: (resource: string | null) => Promise<ResourceState>): Promise<boolean> {
  const states = new Map<string | null, Promise<ResourceState>>();
  for (const list of lists) {
    if (!states.has(list.resource)) states.set(list.resource, stateOf(list.resource));
    const state = await states.get(list.resource)!;
    const holds = list.conditions.every((condition) => {
      const matches = condition.token !== undefined ? state.tokens.has(condition.token) : sameEtag(condition.etag!, state.etag);
      return condition.not ? !matches : matches;
    });
    if (holds) return true;
  }
  return false;
}

/**
 * If-Match and If-None-Match on a write (RFC 9110 §13.1.1-2): false when the request must be refused with 412
 * ("*" asks for any current file, a list for one of those tags). Folders and missing files have no tag.
 */
export function matchHolds(ifMatch: string, ifNoneMatch: string, exists: boolean, etag: string | null): boolean {
  const tags = (header: string) => header.split(",").map((tag) => tag.trim()).filter(Boolean);
  if (ifMatch) {
    const wanted = tags(ifMatch);
    if (!(wanted.includes("*") ? exists : wanted.some((tag) => sameEtag(tag, etag)))) return false;
  }
  if (ifNoneMatch) {
    // A weak comparison here (RFC 9110 §13.1.2): W/"x" and "x" are the same.
    const refused = tags(ifNoneMatch);
    if (refused.includes("*") ? exists : refused.some((tag) => etag !== null && tag.replace(/^W\//, "") === `"${etag}"`)) return false;
  }
  return true;
}
