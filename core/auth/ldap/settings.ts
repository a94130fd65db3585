import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Transaction } from "sequelize";
import type { Config, LdapEnvironment } from "../../../config/index.ts";
import { Setting } from "../../models/setting.ts";
import { DirectoryError, type DirectoryConnectionOptions } from "./directory.ts";
import { seal, unseal } from "./secret-box.ts";

/** Which directory attribute feeds which Agora field; "" leaves the field alone. */
export const attributeFields = ["email", "firstName", "lastName", "displayName", "title", "department", "phone", "manager", "photo"] as const;
export type AttributeField = (typeof attributeFields)[number];
export type AttributeMapping = Record<AttributeField, string>;

const attributeName = z.string().trim().max(100).regex(/^([A-Za-z][A-Za-z0-9-]*)?$/, "ldap:validation.attribute");

/** What is stored under the settings key "ldap" (the bind password sealed), with the defaults of an OpenLDAP install. */
export const storedSchema = z.object({
  isEnabled: z.boolean().default(false),
  urls: z.array(z.string()).default([]),
  startTls: z.boolean().default(false),
  caFile: z.string().default(""),
  verifyCertificate: z.boolean().default(true),
  bindDn: z.string().default(""),
  bindPasswordSealed: z.string().default(""),
  baseDns: z.array(z.string()).default([]),
  userFilter: z.string().default(""),
  loginAttribute: attributeName.default("uid"),
  uniqueIdAttribute: attributeName.default("entryUUID"),
  attributes: z
    .object(Object.fromEntries(attributeFields.map((field) => [field, attributeName])) as Record<AttributeField, typeof attributeName>)
    .default({ email: "mail", firstName: "givenName", lastName: "sn", displayName: "cn", title: "title", department: "departmentNumber", phone: "telephoneNumber", manager: "manager", photo: "jpegPhoto" }),
  groupBaseDn: z.string().default(""),
  groupFilter: z.string().default("(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup)(objectClass=group))"),
  adminGroupDn: z.string().default(""),
  disabledFilter: z.string().default(""),
  disabledGroupDn: z.string().default(""),
  isLocalLoginAdminsOnly: z.boolean().default(false),
  timeoutSeconds: z.number().int().min(1).max(300).default(10),
  syncIntervalMinutes: z.number().int().min(0).max(525600).default(0),
});

export type StoredLdapSettings = z.infer<typeof storedSchema>;

/** The settings in force: stored ones, with every AGORA_LDAP_* variable winning, and the bind password opened. */
export interface LdapSettings extends Omit<StoredLdapSettings, "bindPasswordSealed"> {
  bindPassword: string;
  /** A stored bind password exists but cannot be opened (the session secret changed). */
  isBindPasswordUnreadable: boolean;
  /** Fields set by the environment: the admin console shows them but cannot change them. */
  lockedFields: (keyof LdapEnvironment)[];
}

const settingKey = "ldap";
const cacheMs = 5_000;

/** The effective user filter: the configured one, or "(loginAttribute={{username}})". */
export function userFilterTemplate(settings: LdapSettings): string {
  return settings.userFilter.trim() || `(${settings.loginAttribute}={{username}})`;
}

/** LDAP is in use once it is switched on (or AGORA_LDAP_URL is set) and has a server and a base. */
export function isDirectoryConfigured(settings: LdapSettings): boolean {
  return settings.isEnabled && settings.urls.length > 0 && settings.baseDns.length > 0;
}

/** Reads and writes the "ldap" settings row; one store per app (see ldapSettingsOf). */
export class LdapSettingsStore {
  private cache: LdapSettings | null = null;
  private loadedAt = 0;

  constructor(private config: Config) {}

  async stored(): Promise<StoredLdapSettings> {
    const row = await Setting.findByPk(settingKey);
    const parsed = storedSchema.safeParse(row ? JSON.parse(row.value) : {});
    return parsed.success ? parsed.data : storedSchema.parse({});
  }

  async get(): Promise<LdapSettings> {
    if (this.cache && Date.now() - this.loadedAt < cacheMs) return this.cache;
    const { bindPasswordSealed, ...stored } = await this.stored();
    const environment = this.config.ldap;
    const storedPassword = bindPasswordSealed ? unseal(this.config.sessionSecret, bindPasswordSealed) : "";
    const lockedFields = Object.keys(environment).filter((key) => environment[key as keyof LdapEnvironment] !== undefined) as (keyof LdapEnvironment)[];
    this.cache = {
      ...stored,
      ...(Object.fromEntries(lockedFields.map((key) => [key, environment[key]])) as Partial<LdapSettings>),
      isEnabled: stored.isEnabled || environment.urls !== undefined,
      bindPassword: environment.bindPassword ?? storedPassword ?? "",
      isBindPasswordUnreadable: environment.bindPassword === undefined && storedPassword === null,
      lockedFields,
    };
    this.loadedAt = Date.now();
    return this.cache;
  }

  /**
   * Saves the admin console's values. `bindPassword`: a new password to seal, "" to forget the stored
   * one, undefined to keep it. Fields the environment sets are stored too but keep losing to it.
   */
  async save(values: Omit<StoredLdapSettings, "bindPasswordSealed">, bindPassword: string | undefined, transaction?: Transaction) {
    const current = await this.stored();
    const bindPasswordSealed = bindPassword === undefined ? current.bindPasswordSealed : bindPassword === "" ? "" : seal(this.config.sessionSecret, bindPassword);
    await Setting.upsert({ key: settingKey, value: JSON.stringify({ ...values, bindPasswordSealed }) }, { transaction });
    this.forget();
  }

  forget() {
    this.cache = null;
  }
}

const stores = new WeakMap<Config, LdapSettingsStore>();

/** The app's store (one per config object, so the web app and the CLI each get theirs). */
export function ldapSettingsOf(config: Config): LdapSettingsStore {
  let store = stores.get(config);
  if (!store) {
    store = new LdapSettingsStore(config);
    stores.set(config, store);
  }
  return store;
}

/** How to reach the servers; an unreadable CA file is a TLS problem the admin must fix. */
export function connectionOptions(settings: LdapSettings): DirectoryConnectionOptions {
  let ca: Buffer | null = null;
  if (settings.caFile) {
    try {
      ca = readFileSync(settings.caFile);
    } catch (error) {
      throw new DirectoryError("tls", `cannot read the CA file ${settings.caFile}: ${(error as Error).message}`, "caFile");
    }
    if (!ca.includes("-----BEGIN CERTIFICATE-----")) throw new DirectoryError("tls", `the CA file ${settings.caFile} holds no PEM certificate`, "caFile");
  }
  const timeoutMs = settings.timeoutSeconds * 1000;
  return { urls: settings.urls, startTls: settings.startTls, ca, verifyCertificate: settings.verifyCertificate, timeoutMs, connectTimeoutMs: timeoutMs };
}
