import { createHash } from "node:crypto";
import { Op, type Transaction } from "sequelize";
import type { AppServices } from "../services.ts";
import { User } from "../models/user.ts";
import { Session } from "../models/session.ts";
import { UserProfile } from "../models/profile.ts";
import { DirectoryAccount } from "../auth/ldap/directory-account.ts";
import { normalizeDn } from "../auth/ldap/dn.ts";
import { usernameBase, type DirectoryPerson } from "../auth/ldap/person.ts";
import type { LdapSettings } from "../auth/ldap/settings.ts";
import { changeUserStatus } from "./user-status-changer.ts";
import { changeUserRole } from "./role-changer.ts";
import { AdminActionRefusedError } from "./admin-guard.ts";
import { removeProfilePhoto, setProfilePhoto } from "./profile-photo.ts";
import { PhotoRejectedError } from "../people/avatars.ts";
import { audit } from "./audit.ts";
import { AuditEntry } from "../models/audit-entry.ts";

/**
 * Just-in-time provisioning and sync share these steps: an entry becomes (or updates) one Agora
 * account, found by the entry's stable id so a renamed entry keeps its account. The directory wins
 * on the fields it maps; what it decides about status and the admin role is remembered apart from
 * what an admin decided by hand, so that only its own decisions are taken back.
 */

export const placeholderDomain = "directory.invalid";
export type ProvisionProblem = "duplicateEmail" | "lastAdmin" | "badPhoto";

export interface LinkedAccount {
  user: User;
  account: DirectoryAccount;
}

/** What the directory says about the person beyond their attributes. `isAdmin` is null when no admin group is set. */
export interface DirectoryVerdict {
  isAdmin: boolean | null;
  isDisabled: boolean;
}

/** Answers "is this e-mail another account's?" and "which username is free?": from the database, or from memory during a sync. */
export interface AccountClaims {
  isEmailTaken(email: string, exceptUserId: number | null, transaction: Transaction): Promise<boolean>;
  freeUsername(login: string, transaction: Transaction): Promise<string>;
  claim(user: User): void;
}

function firstFree(base: string, taken: (candidate: string) => boolean): string {
  for (let suffix = 1; ; suffix++) {
    const candidate = suffix === 1 ? base : `${base}${suffix}`;
    if (!taken(candidate)) return candidate;
  }
}

/** Claims checked against the database, one query each: for a single sign-in. */
export const databaseClaims: AccountClaims = {
  async isEmailTaken(email, exceptUserId, transaction) {
    const owner = await User.findOne({ attributes: ["id"], where: { email }, transaction });
    return owner !== null && owner.id !== exceptUserId;
  },
  async freeUsername(login, transaction) {
    const base = usernameBase(login);
    const taken = new Set((await User.findAll({ attributes: ["username"], where: { username: { [Op.like]: `${base}%` } }, transaction })).map((user) => user.username));
    return firstFree(base, (candidate) => taken.has(candidate));
  },
  claim() {},
};

/** Every account's e-mail and username read once: a sync creating thousands of accounts asks no more. */
export async function preloadedClaims(): Promise<AccountClaims> {
  const ownerOfEmail = new Map<string, number>();
  const usernames = new Set<string>();
  let lastId = 0;
  for (;;) {
    const batch = await User.findAll({ attributes: ["id", "email", "username"], where: { id: { [Op.gt]: lastId } }, order: [["id", "ASC"]], limit: 5000 });
    if (batch.length === 0) break;
    for (const user of batch) {
      ownerOfEmail.set(user.email, user.id);
      usernames.add(user.username);
    }
    lastId = batch[batch.length - 1].id;
  }
  return {
    async isEmailTaken(email, exceptUserId) {
      const owner = ownerOfEmail.get(email);
      return owner !== undefined && owner !== exceptUserId;
    },
    async freeUsername(login) {
      return firstFree(usernameBase(login), (candidate) => usernames.has(candidate));
    },
    claim(user) {
      ownerOfEmail.set(user.email, user.id);
      usernames.add(user.username);
    },
  };
}

type Written = { linked: LinkedAccount; change: "created" | "updated" | "unchanged"; problems: ProvisionProblem[] };

/** The e-mail the account may have: the directory's when no other account holds it, else null (and reported). */
async function usableEmail(person: DirectoryPerson, exceptUserId: number | null, claims: AccountClaims, problems: ProvisionProblem[], transaction: Transaction) {
  if (!person.email) return null;
  if (!(await claims.isEmailTaken(person.email, exceptUserId, transaction))) return person.email;
  problems.push("duplicateEmail");
  return null;
}

/**
 * Creates the accounts of people seen for the first time, a few inserts for the whole list (a sync
 * creates thousands). An e-mail that is missing or already another account's gives a placeholder
 * under directory.invalid, reported, and is taken up by a later sync once it is free.
 */
export async function createDirectoryAccounts(people: DirectoryPerson[], claims: AccountClaims, transaction: Transaction): Promise<Written[]> {
  if (people.length === 0) return [];
  const planned = [];
  for (const person of people) {
    const problems: ProvisionProblem[] = [];
    const username = await claims.freeUsername(person.login, transaction);
    const email = (await usableEmail(person, null, claims, problems, transaction)) ?? `${username}@${placeholderDomain}`;
    claims.claim({ id: -1, email, username } as User);
    planned.push({ person, problems, row: { email, username, displayName: person.displayName, passwordHash: null, role: "member" as const, status: "active" as const, language: null, authSource: "ldap", lastLoginAt: null } });
  }
  await User.bulkCreate(planned.map(({ row }) => row), { transaction });
  // Read back for the ids: SQLite's bulk insert does not return them.
  const created = new Map((await User.findAll({ where: { username: { [Op.in]: planned.map(({ row }) => row.username) } }, transaction })).map((user) => [user.username, user]));
  const accounts = await DirectoryAccount.bulkCreate(
    planned.map(({ person, row }) => ({ userId: created.get(row.username)!.id, externalId: person.externalId, dn: person.dn, dnKey: normalizeDn(person.dn), isDisabledByDirectory: false, isAdminByDirectory: false, photoHash: null })),
    { transaction },
  );
  await AuditEntry.bulkCreate(
    planned.map(({ person, row }) => ({ actorId: null, action: "user.created", subjectType: "user", subjectId: String(created.get(row.username)!.id), details: JSON.stringify({ via: "ldap", dn: person.dn }) })),
    { transaction },
  );
  return planned.map(({ person, problems, row }, index) => {
    const user = created.get(row.username)!;
    claims.claim(user);
    return { linked: { user, account: accounts[index] }, change: "created", problems };
  });
}

/** Brings a known account up to date (names, e-mail, DN after a rename); found by entry id, so a renamed entry keeps its account. */
export async function writeDirectoryAccount(person: DirectoryPerson, linked: LinkedAccount | null, transaction: Transaction, claims: AccountClaims = databaseClaims): Promise<Written> {
  if (!linked) return (await createDirectoryAccounts([person], claims, transaction))[0];
  const problems: ProvisionProblem[] = [];
  const { user, account } = linked;
  const email = person.email === null || person.email === user.email ? user.email : ((await usableEmail(person, user.id, claims, problems, transaction)) ?? user.email);
  user.set({ displayName: person.displayName, email });
  account.set({ dn: person.dn, dnKey: normalizeDn(person.dn) });
  const isChanged = user.changed() !== false || account.changed() !== false;
  if (isChanged) {
    if (user.changed("email")) claims.claim(user);
    if (account.changed("dnKey")) await audit(null, "user.directory_renamed", { type: "user", id: user.id }, { dn: person.dn }, transaction);
    await user.save({ transaction });
    await account.save({ transaction });
  }
  return { linked, change: isChanged ? "updated" : "unchanged", problems };
}

/** The profile fields the settings map; unmapped ones are left to the person. */
export function desiredProfile(person: DirectoryPerson, settings: LdapSettings, managerId: number | null): Partial<Pick<UserProfile, "jobTitle" | "department" | "phone" | "managerId">> {
  const { title, department, phone, manager } = settings.attributes;
  return {
    ...(title ? { jobTitle: person.jobTitle } : {}),
    ...(department ? { department: person.department } : {}),
    ...(phone ? { phone: person.phone } : {}),
    ...(manager ? { managerId } : {}),
  };
}

/** The mapped profile fields differ from `current` (no profile yet counts as empty)? */
export function isProfileChanged(desired: ReturnType<typeof desiredProfile>, current: UserProfile | null): boolean {
  return Object.entries(desired).some(([field, value]) => (current?.get(field as keyof UserProfile) ?? null) !== value);
}

/** A new profile row holding the mapped fields. */
export function newProfile(userId: number, desired: ReturnType<typeof desiredProfile>) {
  return { userId, jobTitle: null, department: null, location: null, phone: null, managerId: null, bio: null, ...desired };
}

/** Writes the mapped profile fields when they differ from `current`; true when something was written. */
export async function writeProfile(userId: number, desired: ReturnType<typeof desiredProfile>, current: UserProfile | null, transaction?: Transaction): Promise<boolean> {
  if (!isProfileChanged(desired, current)) return false;
  if (current) await current.update(desired, { transaction });
  else await UserProfile.create(newProfile(userId, desired), { transaction });
  return true;
}

/** Sets the directory's photo when its bytes changed; removes it when the directory dropped the photo it had given. */
export async function writePhoto(services: Pick<AppServices, "sequelize" | "config">, linked: LinkedAccount, photo: Buffer | null): Promise<{ isChanged: boolean; problem?: ProvisionProblem }> {
  const photoHash = photo ? createHash("sha256").update(photo).digest("hex") : null;
  if (photoHash === (linked.account.photoHash ?? null)) return { isChanged: false };
  const photoServices = { sequelize: services.sequelize, uploadsDir: services.config.uploadsDir };
  try {
    if (photo) await setProfilePhoto(photoServices, linked.user, photo);
    else await removeProfilePhoto(photoServices, linked.user);
  } catch (error) {
    if (!(error instanceof PhotoRejectedError)) throw error;
    // Bytes that are no picture are the directory's problem: reported, and not tried again until they change.
    await linked.account.update({ photoHash });
    return { isChanged: false, problem: "badPhoto" };
  }
  await linked.account.update({ photoHash });
  return { isChanged: true };
}

/**
 * Applies the directory's word on status and admin role through the same commands the admin console
 * uses (audit, sessions ended on disable, the last admin kept). Returns what changed.
 */
export async function applyVerdict(services: Pick<AppServices, "sequelize" | "registry">, linked: LinkedAccount, verdict: DirectoryVerdict): Promise<{ status?: "disabled" | "enabled"; role?: "promoted" | "demoted"; problem?: ProvisionProblem }> {
  const { user, account } = linked;
  const outcome: { status?: "disabled" | "enabled"; role?: "promoted" | "demoted"; problem?: ProvisionProblem } = {};
  try {
    if (verdict.isDisabled && user.status !== "disabled") {
      await changeUserStatus(services, null, user.id, "disable");
      await account.update({ isDisabledByDirectory: true });
      outcome.status = "disabled";
    } else if (!verdict.isDisabled && user.status === "disabled" && account.isDisabledByDirectory) {
      await changeUserStatus(services, null, user.id, "enable");
      await account.update({ isDisabledByDirectory: false });
      outcome.status = "enabled";
    }
    if (verdict.isAdmin === true && user.role !== "admin") {
      await changeUserRole(services, null, user.id, "admin");
      await account.update({ isAdminByDirectory: true });
      outcome.role = "promoted";
    } else if (verdict.isAdmin === false && user.role === "admin" && account.isAdminByDirectory) {
      await changeUserRole(services, null, user.id, "member");
      await account.update({ isAdminByDirectory: false });
      outcome.role = "demoted";
    }
  } catch (error) {
    if (!(error instanceof AdminActionRefusedError)) throw error;
    outcome.problem = "lastAdmin";
  }
  if (outcome.status || outcome.role) await user.reload();
  return outcome;
}

/** Ids per IN list: far under SQLite's and PostgreSQL's bound-parameter limits. */
const chunkSize = 500;

export function chunks<T>(items: T[], size = chunkSize): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** The accounts linked to directory entries, by external id (these ones, or all of them for a sync); users loaded a chunk at a time. */
export async function linkedAccounts(externalIds?: string[], transaction?: Transaction): Promise<Map<string, LinkedAccount>> {
  const accounts = await DirectoryAccount.findAll({ where: externalIds ? { externalId: { [Op.in]: externalIds } } : {}, order: [["userId", "ASC"]], transaction });
  const users = new Map<number, User>();
  for (const ids of chunks(accounts.map((account) => account.userId))) {
    for (const user of await User.findAll({ where: { id: { [Op.in]: ids } }, transaction })) users.set(user.id, user);
  }
  return new Map(accounts.flatMap((account) => (users.has(account.userId) ? [[account.externalId, { user: users.get(account.userId)!, account }]] : [])));
}

/**
 * Disables the accounts of people who left the directory, a chunk per transaction: status, sessions
 * ended, audit entries, then "user.disabled" for each. Admins go one by one through applyVerdict so
 * that the last active admin is never switched off. Returns how many were disabled, and the refused.
 */
export async function disableLeavers(services: Pick<AppServices, "sequelize" | "registry">, leavers: LinkedAccount[]): Promise<{ disabled: number; refused: LinkedAccount[] }> {
  const refused: LinkedAccount[] = [];
  let disabled = 0;
  for (const admin of leavers.filter(({ user }) => user.role === "admin")) {
    const outcome = await applyVerdict(services, admin, { isAdmin: null, isDisabled: true });
    if (outcome.status === "disabled") disabled++;
    if (outcome.problem) refused.push(admin);
  }
  for (const batch of chunks(leavers.filter(({ user }) => user.role !== "admin"))) {
    const ids = batch.map(({ user }) => user.id);
    await services.sequelize.transaction(async (transaction) => {
      await User.update({ status: "disabled" }, { where: { id: { [Op.in]: ids } }, transaction });
      await Session.destroy({ where: { userId: { [Op.in]: ids } }, transaction });
      await DirectoryAccount.update({ isDisabledByDirectory: true }, { where: { userId: { [Op.in]: ids } }, transaction });
      await AuditEntry.bulkCreate(
        batch.map(({ user }) => ({ actorId: null, action: "user.disabled", subjectType: "user", subjectId: String(user.id), details: JSON.stringify({ from: user.status, to: "disabled", via: "ldap", reason: "left the directory" }) })),
        { transaction },
      );
    });
    for (const { user, account } of batch) {
      user.set({ status: "disabled" });
      account.set({ isDisabledByDirectory: true });
      await services.registry.hooks.emit("user.disabled", { user });
    }
    disabled += batch.length;
  }
  return { disabled, refused };
}
