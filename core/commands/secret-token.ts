import { createHash, randomBytes } from "node:crypto";

/** A link token: 32 random bytes for the e-mail, only its SHA-256 kept in the database. */
export function newSecretToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashSecretToken(token) };
}

export function hashSecretToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Tokens arrive from query strings and forms; anything that cannot be one of ours is not looked up. */
export function isWellFormedToken(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value);
}
