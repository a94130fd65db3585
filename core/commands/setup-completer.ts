import { UniqueConstraintError } from "sequelize";
import { Setting } from "../models/setting.ts";
import { User } from "../models/user.ts";
import type { AppServices } from "../services.ts";
import type { Language } from "../../config/index.ts";
import { createAccount } from "./user-creator.ts";
import { audit } from "./audit.ts";

export interface SetupInput {
  siteName: string;
  displayName: string;
  email: string;
  username?: string;
  password: string;
  language: Language;
}

export class SetupAlreadyDoneError extends Error {}

/**
 * First run: names the site and creates the first admin, in one transaction. Refused once any admin
 * exists, so /setup cannot be replayed to take over an instance. Setup is claimed by inserting the
 * isSetupComplete row first: of concurrent setups (two tabs, two processes starting on PostgreSQL) only
 * the one whose insert succeeds goes on; the others wait for its commit, then hit the primary key.
 */
export async function completeSetup(services: Pick<AppServices, "sequelize" | "settings" | "registry">, input: SetupInput): Promise<User> {
  const admin = await services.sequelize.transaction(async (transaction) => {
    if (await User.findOne({ where: { role: "admin" }, transaction })) throw new SetupAlreadyDoneError();
    await Setting.destroy({ where: { key: "isSetupComplete", value: "false" }, transaction });
    await Setting.create({ key: "isSetupComplete", value: "true" }, { transaction }).catch((error: unknown) => {
      throw error instanceof UniqueConstraintError ? new SetupAlreadyDoneError() : error;
    });
    const user = await createAccount({ ...input, role: "admin", status: "active", language: input.language }, transaction);
    await services.settings.set({ siteName: input.siteName, defaultLanguage: input.language }, transaction);
    await audit(user, "setup.completed", { type: "user", id: user.id }, undefined, transaction);
    return user;
  });
  await services.registry.hooks.emit("user.created", { user: admin });
  return admin;
}

/** Headless first run: AGORA_ADMIN_EMAIL + AGORA_ADMIN_PASSWORD create the admin on first start. */
export async function ensureAdminFromEnvironment(services: AppServices) {
  const { config, logger } = services;
  if (!config.adminEmail) return;
  if (await User.findOne({ where: { role: "admin" } })) return;
  try {
    await completeSetup(services, {
      siteName: config.siteName,
      displayName: config.adminName,
      email: config.adminEmail,
      password: config.adminPassword,
      language: config.defaultLanguage,
    });
  } catch (error) {
    // Another process starting at the same time made the admin: nothing left to do here.
    if (error instanceof SetupAlreadyDoneError) return;
    throw error;
  }
  logger.info({ email: config.adminEmail }, "first admin created from AGORA_ADMIN_EMAIL");
}
