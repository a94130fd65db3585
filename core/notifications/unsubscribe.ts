import { createHmac, timingSafeEqual } from "node:crypto";

/** What an unsubscribe link stops: e-mail for one type, or digests. */
export interface UnsubscribeTarget {
  userId: number;
  type: string;
}

function signature(secret: string, payload: string) {
  return createHmac("sha256", secret).update(`unsubscribe|${payload}`).digest("base64url").slice(0, 32);
}

/**
 * A link that needs no login: it names the person and the type, signed with the server secret, so it
 * can only turn off that type's e-mail for that person, and nobody can forge one for someone else.
 */
export function unsubscribeToken(secret: string, target: UnsubscribeTarget): string {
  const payload = Buffer.from(`${target.userId}:${target.type}`).toString("base64url");
  return `${payload}.${signature(secret, payload)}`;
}

export function readUnsubscribeToken(secret: string, token: string): UnsubscribeTarget | null {
  const match = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!match) return null;
  const [, payload, sent] = match;
  const expected = Buffer.from(signature(secret, payload));
  if (!timingSafeEqual(expected, Buffer.from(sent))) return null;
  const decoded = /^([1-9]\d{0,9}):([a-z0-9.-]{1,64})$/.exec(Buffer.from(payload, "base64url").toString("utf8"));
  return decoded ? { userId: Number(decoded[1]), type: decoded[2] } : null;
}
