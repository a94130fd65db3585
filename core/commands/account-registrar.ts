import type { User } from "../models/user.ts";
import type { AppServices } from "../services.ts";
import { createAccount } from "./user-creator.ts";
import { audit } from "./audit.ts";

export interface Registration {
  displayName: string;
  email: string;
  password: string;
  language: string;
}

/**
 * Self sign-up: in "open" mode the account is active at once; in "approval" mode it waits as
 * "pending" until an admin approves it (the local strategy refuses pending accounts).
 */
export async function registerAccount(services: AppServices, registration: Registration, mode: "open" | "approval"): Promise<User> {
  const user = await services.sequelize.transaction(async (transaction) => {
    const created = await createAccount({ ...registration, role: "member", status: mode === "open" ? "active" : "pending" }, transaction);
    await audit(created, "user.registered", { type: "user", id: created.id }, { mode }, transaction);
    return created;
  });
  await services.registry.hooks.emit("user.created", { user });
  return user;
}
