import { UniqueConstraintError } from "sequelize";
import type { AppServices } from "../services.ts";
import type { User } from "../models/user.ts";
import { UserProfile } from "../models/profile.ts";
import { DirectoryAccount } from "../auth/ldap/directory-account.ts";
import type { DirectoryLogin } from "../auth/ldap/authenticator.ts";
import type { LdapSettings } from "../auth/ldap/settings.ts";
import { applyVerdict, desiredProfile, linkedAccounts, writeDirectoryAccount, writePhoto, writeProfile, type LinkedAccount } from "./ldap-provisioner.ts";

type VerifiedLogin = Extract<DirectoryLogin, { isVerified: true }>;

/** The account linked to this entry, after writing the entry into it; a concurrent first login that won the insert is simply reused. */
async function writeLinked(services: Pick<AppServices, "sequelize" | "logger">, login: VerifiedLogin): Promise<LinkedAccount> {
  const { person } = login;
  for (let attempt = 1; ; attempt++) {
    const linked = (await linkedAccounts([person.externalId])).get(person.externalId) ?? null;
    try {
      const written = await services.sequelize.transaction((transaction) => writeDirectoryAccount(person, linked, transaction));
      const problems = [...person.problems, ...written.problems];
      if (problems.length > 0) services.logger.warn({ dn: person.dn, problems }, "directory entry signed in with problems");
      return written.linked;
    } catch (error) {
      if (!(error instanceof UniqueConstraintError) || attempt > 1) throw error;
    }
  }
}

/**
 * Just-in-time provisioning after the directory accepted the password: the account is created or
 * brought up to date, the directory's disabled rule and admin group applied, the mapped profile
 * fields and photo written, and the memberships announced to modules ("ldap.memberships").
 */
export async function provisionAtLogin(services: AppServices, settings: LdapSettings, login: VerifiedLogin): Promise<{ user: User } | { failure: "disabled" | "pending" }> {
  const existing = (await linkedAccounts([login.person.externalId])).get(login.person.externalId);
  if (login.isDisabled) {
    if (existing) await applyVerdict(services, existing, { isAdmin: null, isDisabled: true });
    return { failure: "disabled" };
  }
  // An account an admin switched off stays off; one the directory switched off comes back with it.
  if (existing && existing.user.status === "pending") return { failure: "pending" };
  if (existing && existing.user.status === "disabled" && !existing.account.isDisabledByDirectory) return { failure: "disabled" };

  const linked = await writeLinked(services, login);
  const isAdmin = settings.adminGroupDn && login.memberships ? login.memberships.isAdmin : null;
  await applyVerdict(services, linked, { isAdmin, isDisabled: false });
  const manager = login.person.managerDn ? await DirectoryAccount.findOne({ attributes: ["userId"], where: { dnKey: login.person.managerDn } }) : null;
  const managerId = manager && manager.userId !== linked.user.id ? manager.userId : null;
  await writeProfile(linked.user.id, desiredProfile(login.person, settings, managerId), await UserProfile.findByPk(linked.user.id));
  const photo = await writePhoto(services, linked, login.person.photo);
  if (photo.problem) services.logger.warn({ dn: login.person.dn, problem: photo.problem }, "directory photo refused");
  if (login.memberships) await services.registry.hooks.emit("ldap.memberships", { user: linked.user, groupDns: login.memberships.groupDns, via: "login" });
  return { user: linked.user };
}
