import type { DirectoryClient, DirectoryEntry } from "./directory.ts";
import { normalizeDn, normalizeDnOrNull } from "./dn.ts";
import { allOf, escapeFilterValue } from "./filter.ts";
import { pageSize } from "./connection.ts";
import type { LdapSettings } from "./settings.ts";

/**
 * Group memberships: groupOfNames/groupOfUniqueNames and AD groups list members by DN (member,
 * uniqueMember), posixGroup by login (memberUid). A group may be a member of another (nested groups);
 * memberships are expanded upwards level by level, each group visited once, so a cycle ends.
 */

const memberAttributes = ["member", "uniqueMember"];
const groupAttributes = ["cn", ...memberAttributes, "memberUid"];
/** Deeper nesting than this is a data error; the walk stops there. */
const maxDepth = 50;

export interface UserMemberships {
  /** Every group the user is in, directly or through nesting, in normal form (normalizeDn). */
  groupDns: string[];
  isAdmin: boolean;
  isInDisabledGroup: boolean;
}

/** Walks from the direct groups up to every group that contains them; `parentsOf` answers one level. */
export async function expandNested(direct: string[], parentsOf: (groupDns: string[]) => Promise<string[]> | string[]): Promise<string[]> {
  const seen = new Set(direct);
  let frontier = [...seen];
  for (let depth = 0; frontier.length > 0 && depth < maxDepth; depth++) {
    const parents = (await parentsOf(frontier)).filter((dn) => !seen.has(dn));
    for (const dn of parents) seen.add(dn);
    frontier = [...new Set(parents)];
  }
  return [...seen].sort();
}

function membershipsFrom(settings: LdapSettings, groupDns: string[]): UserMemberships {
  const has = (dn: string) => dn !== "" && groupDns.includes(normalizeDnOrNull(dn) ?? "");
  return { groupDns, isAdmin: has(settings.adminGroupDn), isInDisabledGroup: has(settings.disabledGroupDn) };
}

function groupDnsOf(entries: DirectoryEntry[]): string[] {
  return entries.map((entry) => normalizeDnOrNull(entry.dn)).filter((dn): dn is string => dn !== null);
}

/** Whether groups are read at all: a group base is set. */
export function readsGroups(settings: LdapSettings): boolean {
  return settings.groupBaseDn.trim() !== "";
}

/** At login: a few targeted searches for one user (no need to read every group of a large directory). */
export async function membershipsOfOne(client: DirectoryClient, settings: LdapSettings, user: { dn: string; login: string }): Promise<UserMemberships> {
  if (!readsGroups(settings)) return membershipsFrom(settings, []);
  const search = async (memberClauses: string[]) => {
    if (memberClauses.length === 0) return [];
    const filter = allOf(settings.groupFilter, `(|${memberClauses.join("")})`);
    return groupDnsOf(await client.search(settings.groupBaseDn, { filter, scope: "sub", attributes: ["cn"], pageSize }));
  };
  const byDn = (dn: string) => memberAttributes.map((attribute) => `(${attribute}=${escapeFilterValue(dn)})`);
  const direct = await search([...byDn(user.dn), `(memberUid=${escapeFilterValue(user.login)})`]);
  const groupDns = await expandNested(direct, (groups) => search(groups.flatMap(byDn)));
  return membershipsFrom(settings, groupDns);
}

/** At sync: every group read once (paged), then each user's memberships answered from memory. */
export class GroupIndex {
  private groupsOfMemberDn = new Map<string, string[]>();
  private groupsOfMemberUid = new Map<string, string[]>();

  static async load(client: DirectoryClient, settings: LdapSettings): Promise<GroupIndex> {
    const index = new GroupIndex(settings);
    if (!readsGroups(settings)) return index;
    const entries = await client.search(settings.groupBaseDn, { filter: settings.groupFilter, scope: "sub", attributes: groupAttributes, pageSize });
    for (const entry of entries) index.add(entry);
    return index;
  }

  private constructor(private settings: LdapSettings) {}

  private add(entry: DirectoryEntry) {
    const groupDn = normalizeDnOrNull(entry.dn);
    if (!groupDn) return;
    const push = (map: Map<string, string[]>, key: string | null) => {
      if (key) map.set(key, [...(map.get(key) ?? []), groupDn]);
    };
    for (const attribute of memberAttributes) for (const member of entry.all(attribute)) push(this.groupsOfMemberDn, normalizeDnOrNull(member));
    for (const uid of entry.all("memberUid")) push(this.groupsOfMemberUid, uid.trim().toLowerCase());
  }

  async membershipsOf(user: { dn: string; login: string }): Promise<UserMemberships> {
    const direct = [...(this.groupsOfMemberDn.get(normalizeDn(user.dn)) ?? []), ...(this.groupsOfMemberUid.get(user.login.toLowerCase()) ?? [])];
    const groupDns = await expandNested([...new Set(direct)], (groups) => groups.flatMap((dn) => this.groupsOfMemberDn.get(dn) ?? []));
    return membershipsFrom(this.settings, groupDns);
  }
}
