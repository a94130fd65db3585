import argon2 from "argon2";

// OWASP's argon2id baseline: 19 MiB, 2 passes.
const options = { type: argon2.argon2id as 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const minPasswordLength = 10;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, options);
}

let dummyHash: Promise<string> | null = null;

/** Verifies a password; with no hash (unknown user) it still spends the same time, so timing tells nothing. */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword("agora-dummy-password");
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return argon2.verify(hash, password).catch(() => false);
}
