import type { Transaction } from "sequelize";
import { GroupSetting } from "./models/settings.ts";

export const creationPolicies = ["everyone", "admins"] as const;
export type CreationPolicy = (typeof creationPolicies)[number];

export interface GroupsSettings {
  /** Who may create groups: every member, or instance admins only (members send a request). */
  creationPolicy: CreationPolicy;
}

const defaults: GroupsSettings = { creationPolicy: "everyone" };
const cacheMs = 5_000;
let cache: { value: GroupsSettings; loadedAt: number } | null = null;

/** The module's settings: defaults overridden by rows in group_settings, cached briefly like core's. */
export async function groupsSettings(): Promise<GroupsSettings> {
  if (cache && Date.now() - cache.loadedAt < cacheMs) return cache.value;
  const rows = await GroupSetting.findAll();
  const stored = Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value)]));
  const value = { ...defaults, ...stored } as GroupsSettings;
  if (!creationPolicies.includes(value.creationPolicy)) value.creationPolicy = defaults.creationPolicy;
  cache = { value, loadedAt: Date.now() };
  return value;
}

export async function saveGroupsSettings(values: Partial<GroupsSettings>, transaction?: Transaction) {
  for (const [key, value] of Object.entries(values)) await GroupSetting.upsert({ key, value: JSON.stringify(value) }, { transaction });
  cache = null;
}
