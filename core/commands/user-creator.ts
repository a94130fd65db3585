import type { Transaction } from "sequelize";
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

/** Creates an account: refuses a taken e-mail or username, hashes the password with argon2id. */
export async function createAccount(account: NewAccount, transaction?: Transaction): Promise<User> {
  const email = account.email.trim().toLowerCase();
  if (await User.findOne({ where: { email }, transaction })) throw new AccountTakenError("email");
  const username = account.username?.toLowerCase() ?? (await freeUsername(email, transaction));
  if (await User.findOne({ where: { username }, transaction })) throw new AccountTakenError("username");
  return User.create(
    {
      email,
      username,
      displayName: account.displayName.trim(),
      passwordHash: account.password ? await hashPassword(account.password) : null,
      role: account.role ?? "member",
      status: account.status ?? "active",
      language: account.language ?? null,
      authSource: account.authSource ?? "local",
      lastLoginAt: null,
    },
    { transaction },
  );
}
