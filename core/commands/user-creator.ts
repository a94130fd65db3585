import { UniqueConstraintError, type Transaction } from "sequelize";
import { z } from "zod";
import { hashPassword, minPasswordLength } from "../auth/passwords.ts";
import { User, instanceRoles, type InstanceRole, type UserStatus } from "../models/user.ts";
import { supportedLanguages } from "../../config/index.ts";

/** Field rules shared by every form that creates an account; messages are translation keys. */
export const accountFields = {
  email: z.string().trim().toLowerCase().max(254).email("validation:email"),
  displayName: z.string().trim().min(1, "validation:required").max(100, "validation:tooLong"),
  username: z
    .string()
    .trim()
    .toLowerCase()
    .min(2, "validation:username")
    .max(64, "validation:username")
    .regex(/^[a-z0-9][a-z0-9._-]*$/, "validation:username"),
  password: z.string().min(minPasswordLength, "validation:passwordLength").max(1024, "validation:tooLong"),
  role: z.enum(instanceRoles),
  language: z.enum(supportedLanguages),
};

export class AccountTakenError extends Error {
  constructor(readonly field: "email" | "username") {
    super(`validation:${field}Taken`);
  }
}

export interface NewAccount {
  email: string;
  displayName: string;
  username?: string;
  password: string | null;
  role?: InstanceRole;
  status?: UserStatus;
  language?: string | null;
  authSource?: string;
}

/** Derives a free username from the e-mail's local part: "anna.berg", then "anna.berg2"... */
async function freeUsername(email: string, transaction?: Transaction): Promise<string> {
  const base = (email.split("@")[0].toLowerCase().replace(/[^a-z0-9._-]/g, "") || "user").replace(/^[._-]+/, "").slice(0, 56) || "user";
  for (let suffix = 1; ; suffix++) {
    const candidate = suffix === 1 ? base.padEnd(2, "0") : `${base}${suffix}`;
    if (!(await User.findOne({ where: { username: candidate }, transaction }))) return candidate;
  }
}

/** Which unique column a failed insert hit: "username" or (the other unique one) "email". */
function takenField(error: UniqueConstraintError): "email" | "username" {
  const fields = Array.isArray(error.fields) ? error.fields : Object.keys(error.fields ?? {});
  return fields.includes("username") ? "username" : "email";
}

/**
 * Creates an account: refuses a taken e-mail or username, hashes the password with argon2id. The checks
 * read first for a clear answer; the unique indexes decide when two requests race past them (on
 * PostgreSQL): the loser gets the same AccountTakenError, or the next free derived username.
 */
export async function createAccount(account: NewAccount, transaction?: Transaction): Promise<User> {
  const email = account.email.trim().toLowerCase();
  if (await User.findOne({ where: { email }, transaction })) throw new AccountTakenError("email");
  let username = account.username?.toLowerCase() ?? (await freeUsername(email, transaction));
  if (await User.findOne({ where: { username }, transaction })) throw new AccountTakenError("username");
  const passwordHash = account.password ? await hashPassword(account.password) : null;
  const values = {
    email,
    displayName: account.displayName.trim(),
    passwordHash,
    role: account.role ?? "member",
    status: account.status ?? "active",
    language: account.language ?? null,
    authSource: account.authSource ?? "local",
    lastLoginAt: null,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      // A savepoint, so that a failed insert leaves the caller's PostgreSQL transaction usable for a retry.
      const insert = (savepoint?: Transaction) => User.create({ ...values, username }, { transaction: savepoint });
      return transaction ? await User.sequelize!.transaction({ transaction }, insert) : await insert();
    } catch (error) {
      if (!(error instanceof UniqueConstraintError)) throw error;
      const field = takenField(error);
      if (field !== "username" || account.username || attempt >= 3) throw new AccountTakenError(field);
      username = await freeUsername(email, transaction);
    }
  }
}
