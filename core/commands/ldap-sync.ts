import { Op } from "sequelize";
import type { AppServices } from "../services.ts";
import { Setting } from "../models/setting.ts";
import { UserProfile } from "../models/profile.ts";
import { DirectoryError, type DirectoryEntry } from "../auth/ldap/directory.ts";
import { pageSize, withServiceConnection } from "../auth/ldap/connection.ts";
import { normalizeDn } from "../auth/ldap/dn.ts";
import { allOf, everyUserFilter } from "../auth/ldap/filter.ts";
import { GroupIndex, type UserMemberships } from "../auth/ldap/groups.ts";
import { personFrom, requestedAttributes, type DirectoryPerson } from "../auth/ldap/person.ts";
import { isDirectoryConfigured, ldapSettingsOf, userFilterTemplate, type LdapSettings } from "../auth/ldap/settings.ts";
import { audit } from "./audit.ts";
import { applyVerdict, chunks, createDirectoryAccounts, desiredProfile, disableLeavers, isProfileChanged, linkedAccounts, newProfile, preloadedClaims, writeDirectoryAccount, writePhoto, writeProfile, type LinkedAccount } from "./ldap-provisioner.ts";

export type SyncServices = Pick<AppServices, "config" | "sequelize" | "registry" | "logger">;

export interface SyncReport {
  startedAt: string;
  durationMs: number;
  /** Entries the user filter matched. */
  seen: number;
  created: number;
  updated: number;
  disabled: number;
  unchanged: number;
  errors: number;
  /** What went wrong or looked odd, per entry (the first 200). */
  problems: { dn: string; problem: string }[];
  /** Set when the sync could not run at all (directory down, nothing found): nothing was changed. */
  failure?: { kind: string; detail: string };
}

/** Another sync holds the lease (this process or another sharing the database). */
export class SyncBusyError extends Error {}

const lastSyncKey = "ldap.lastSync";
const leaseKey = "ldap.syncLease";
const leaseMs = 30 * 60 * 1000;
const maxProblems = 200;
/** Accounts written per transaction: one commit per batch, not per person. */
const batchSize = 100;

interface DirectoryRead {
  people: DirectoryPerson[];
  disabledKeys: Set<string>;
  groups: GroupIndex;
  unreadable: string[];
}

async function readDirectory(settings: LdapSettings): Promise<DirectoryRead> {
  return withServiceConnection(settings, async (client) => {
    const everyone = everyUserFilter(userFilterTemplate(settings));
    const search = async (filter: string, attributes: string[]) => {
      const entries: DirectoryEntry[] = [];
      for (const base of settings.baseDns) entries.push(...(await client.search(base, { filter, scope: "sub", attributes, pageSize })));
      return entries;
    };
    const entries = await search(everyone, requestedAttributes(settings, { withPhoto: true }));
    const disabledKeys = new Set(settings.disabledFilter.trim() ? (await search(allOf(everyone, settings.disabledFilter), ["1.1"])).map((entry) => normalizeDn(entry.dn)) : []);
    const groups = await GroupIndex.load(client, settings);
    const people: DirectoryPerson[] = [];
    const unreadable: string[] = [];
    const externalIds = new Set<string>();
    for (const entry of entries) {
      const person = personFrom(entry, settings);
      if (!person || externalIds.has(person.externalId)) unreadable.push(entry.dn);
      else {
        externalIds.add(person.externalId);
        people.push(person);
      }
    }
    return { people, disabledKeys, groups, unreadable };
  });
}

/** Takes the sync lease in the database; false when another sync holds it. */
async function takeLease(services: SyncServices): Promise<boolean> {
  try {
    return await services.sequelize.transaction(async (transaction) => {
      const row = await Setting.findByPk(leaseKey, { transaction, lock: transaction.LOCK.UPDATE });
      if (row && Number(JSON.parse(row.value)) > Date.now()) return false;
      await Setting.upsert({ key: leaseKey, value: JSON.stringify(Date.now() + leaseMs) }, { transaction });
      return true;
    });
  } catch {
    // Two processes inserting the first lease row at once: one loses on the key.
    return false;
  }
}

async function releaseLease() {
  await Setting.upsert({ key: leaseKey, value: "0" });
}

/** The last report, for the admin page. */
export async function lastSyncReport(): Promise<SyncReport | null> {
  const row = await Setting.findByPk(lastSyncKey);
  return row ? (JSON.parse(row.value) as SyncReport) : null;
}

/**
 * Reads the whole directory (paged, so past the server's size limit) and brings the accounts in line:
 * creates the new people, updates the changed, disables those who left or match the disabled rule
 * (ending their sessions), enables those the directory had disabled and lets back in. Never deletes
 * anything. Idempotent: a second run over an unchanged directory changes nothing.
 */
export async function syncDirectory(services: SyncServices): Promise<SyncReport> {
  const store = ldapSettingsOf(services.config);
  store.forget();
  const settings = await store.get();
  if (!isDirectoryConfigured(settings)) throw new DirectoryError("other", "directory sign-in is not configured (server URL and base DN)");
  if (!(await takeLease(services))) throw new SyncBusyError("another directory sync is running");
  const started = Date.now();
  const report: SyncReport = { startedAt: new Date(started).toISOString(), durationMs: 0, seen: 0, created: 0, updated: 0, disabled: 0, unchanged: 0, errors: 0, problems: [] };
  try {
    await runSync(services, settings, report);
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    report.failure = { kind: error.kind, detail: error.detail };
  } finally {
    report.durationMs = Date.now() - started;
    await releaseLease();
  }
  await Setting.upsert({ key: lastSyncKey, value: JSON.stringify(report) });
  const { problems, ...counts } = report;
  await audit(null, "ldap.synced", null, counts);
  services.logger.info(counts, "directory sync finished");
  return report;
}

type Outcome = "created" | "updated" | "disabled" | "unchanged" | "error";

async function runSync(services: SyncServices, settings: LdapSettings, report: SyncReport) {
  const read = await readDirectory(settings);
  report.seen = read.people.length + read.unreadable.length;
  const note = (dn: string, problem: string) => {
    if (report.problems.length < maxProblems) report.problems.push({ dn, problem });
  };
  for (const dn of read.unreadable) {
    report.errors++;
    note(dn, "unreadable");
  }
  // An empty answer is far likelier a wrong base or filter than everyone leaving: nobody is disabled for it.
  if (read.people.length === 0) throw new DirectoryError("noSuchObject", "the directory returned no users: check the base DN and the user filter");

  const linked = await linkedAccounts();
  const outcomes = new Map<string, Outcome>();
  const memberships = new Map<string, UserMemberships>();
  const mark = (person: DirectoryPerson, outcome: Outcome) => {
    const before = outcomes.get(person.externalId);
    if (!before || before === "unchanged" || (before === "updated" && outcome === "disabled")) outcomes.set(person.externalId, outcome);
  };

  for (const person of read.people) memberships.set(person.externalId, await read.groups.membershipsOf(person));
  const isDisabled = (person: DirectoryPerson) => read.disabledKeys.has(normalizeDn(person.dn)) || memberships.get(person.externalId)!.isInDisabledGroup;
  // People the directory disables get no new account.
  const toWrite = read.people.filter((person) => linked.has(person.externalId) || !isDisabled(person));
  await writeAccounts(services, toWrite, linked, (person, outcome, problems) => {
    mark(person, outcome);
    for (const problem of [...person.problems, ...problems]) note(person.dn, problem);
  });

  const userIdOfDn = new Map([...linked.values()].map(({ user, account }) => [account.dnKey, user.id]));
  for (const batch of chunks(toWrite.filter((person) => linked.has(person.externalId)), batchSize)) {
    const profiles = new Map((await UserProfile.findAll({ where: { userId: { [Op.in]: batch.map((person) => linked.get(person.externalId)!.user.id) } } })).map((profile) => [profile.userId, profile]));
    await services.sequelize.transaction(async (transaction) => {
      const created = [];
      for (const person of batch) {
        const { user } = linked.get(person.externalId)!;
        const managerId = person.managerDn ? (userIdOfDn.get(person.managerDn) ?? null) : null;
        const desired = desiredProfile(person, settings, managerId === user.id ? null : managerId);
        const current = profiles.get(user.id) ?? null;
        if (!isProfileChanged(desired, current)) continue;
        // New profiles go in one insert per batch; a changed one is updated on its own.
        if (current) await writeProfile(user.id, desired, current, transaction);
        else created.push(newProfile(user.id, desired));
        mark(person, "updated");
      }
      await UserProfile.bulkCreate(created, { transaction });
    });
  }

  const isAdminMapped = settings.adminGroupDn.trim() !== "";
  for (const person of toWrite) {
    const account = linked.get(person.externalId);
    if (!account) continue;
    const verdict = await applyVerdict(services, account, { isAdmin: isAdminMapped ? memberships.get(person.externalId)!.isAdmin : null, isDisabled: isDisabled(person) });
    if (verdict.problem) note(person.dn, verdict.problem);
    if (verdict.status === "disabled") mark(person, "disabled");
    else if (verdict.status || verdict.role) mark(person, "updated");
    const photo = await writePhoto(services, account, person.photo);
    if (photo.problem) note(person.dn, photo.problem);
    if (photo.isChanged) mark(person, "updated");
  }

  const seenIds = new Set(read.people.map((person) => person.externalId));
  const leavers = [...linked].filter(([externalId, { user }]) => !seenIds.has(externalId) && user.status !== "disabled").map(([, account]) => account);
  const left = await disableLeavers(services, leavers);
  report.disabled += left.disabled;
  for (const { account } of left.refused) note(account.dn, "lastAdmin");

  for (const outcome of outcomes.values()) {
    if (outcome === "error") report.errors++;
    else report[outcome]++;
  }
  if (settings.groupBaseDn.trim() === "") return;
  for (const person of toWrite) {
    const account = linked.get(person.externalId);
    if (account?.user.isActive) await services.registry.hooks.emit("ldap.memberships", { user: account.user, groupDns: memberships.get(person.externalId)!.groupDns, via: "sync" });
  }
}

/**
 * Writes accounts a batch per transaction. A batch that fails is written again one person per
 * transaction, so one bad entry costs only itself (reported), never the batch.
 */
async function writeAccounts(services: SyncServices, people: DirectoryPerson[], linked: Map<string, LinkedAccount>, done: (person: DirectoryPerson, outcome: Outcome, problems: string[]) => void) {
  let claims = await preloadedClaims();
  const writeBatch = async (batch: DirectoryPerson[]) => {
    const results = await services.sequelize.transaction(async (transaction) => {
      const written = [];
      const known = batch.filter((person) => linked.has(person.externalId));
      for (const person of known) written.push({ person, ...(await writeDirectoryAccount(person, linked.get(person.externalId)!, transaction, claims)) });
      const fresh = batch.filter((person) => !linked.has(person.externalId));
      const created = await createDirectoryAccounts(fresh, claims, transaction);
      return [...written, ...created.map((result, index) => ({ person: fresh[index], ...result }))];
    });
    for (const { person, linked: account, change, problems } of results) {
      linked.set(person.externalId, account);
      done(person, change, problems);
    }
  };
  for (const batch of chunks(people, batchSize)) {
    try {
      await writeBatch(batch);
    } catch {
      // The rolled-back batch may have left unsaved values on the loaded accounts and claims in memory: start again from the database.
      claims = await preloadedClaims();
      for (const person of batch) {
        const account = linked.get(person.externalId);
        await account?.user.reload();
        await account?.account.reload();
      }
      for (const person of batch) {
        try {
          await writeBatch([person]);
        } catch (error) {
          services.logger.warn({ dn: person.dn, err: error }, "directory sync could not write an entry");
          done(person, "error", [`write failed: ${(error as Error).message}`]);
        }
      }
    }
  }
}

/** The report as the command line prints it. */
export function syncReportText(report: SyncReport): string {
  const lines = [
    `Directory sync: ${report.seen} entries read in ${(report.durationMs / 1000).toFixed(1)} s.`,
    `created ${report.created}, updated ${report.updated}, disabled ${report.disabled}, unchanged ${report.unchanged}, errors ${report.errors}`,
    ...report.problems.map(({ dn, problem }) => `  ${problem}: ${dn}`),
  ];
  if (report.failure) lines.push(`Nothing was changed: ${report.failure.kind}: ${report.failure.detail}`);
  return lines.join("\n");
}
