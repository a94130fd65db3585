import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { defaults } from "./defaults.ts";

export const supportedLanguages = ["en", "fr"] as const;
export type Language = (typeof supportedLanguages)[number];

/** Environment variable → config key. The names are a public contract (README, Dockerfile). */
const envNames = {
  AGORA_PORT: "port",
  AGORA_HOST: "host",
  AGORA_BASE_URL: "baseUrl",
  AGORA_DATA_DIR: "dataDir",
  AGORA_UPLOADS_DIR: "uploadsDir",
  DATABASE_URL: "databaseUrl",
  AGORA_REDIS_URL: "redisUrl",
  AGORA_SMTP_URL: "smtpUrl",
  AGORA_MAIL_FROM: "mailFrom",
  AGORA_SESSION_SECRET: "sessionSecret",
  AGORA_SESSION_DAYS: "sessionDays",
  AGORA_LOG_LEVEL: "logLevel",
  AGORA_THEME: "theme",
  AGORA_MODULE_PATHS: "modulePaths",
  AGORA_THEME_PATHS: "themePaths",
  AGORA_BODY_LIMIT_KB: "bodyLimitKb",
  AGORA_UPLOAD_LIMIT_MB: "uploadLimitMb",
  AGORA_TRUST_PROXY: "trustProxy",
  AGORA_ADMIN_EMAIL: "adminEmail",
  AGORA_ADMIN_PASSWORD: "adminPassword",
  AGORA_ADMIN_NAME: "adminName",
  AGORA_SITE_NAME: "siteName",
  AGORA_DEFAULT_LANGUAGE: "defaultLanguage",
  AGORA_LOGIN_ATTEMPTS_PER_ACCOUNT: "loginAttemptsPerAccount",
  AGORA_LOGIN_ATTEMPTS_PER_IP: "loginAttemptsPerIp",
  AGORA_LOGIN_LOCK_MINUTES: "loginLockMinutes",
  AGORA_REDIS_PREFIX: "redisPrefix",
  AGORA_JOBS_POLL_MS: "jobsPollMs",
  AGORA_JOBS_RETRY_MS: "jobsRetryMs",
  AGORA_JOBS_LEASE_MS: "jobsLeaseMs",
  AGORA_WORKERS: "workers",
  AGORA_SOURCE_MAPS: "sourceMaps",
  AGORA_ENTRY_CACHE_MB: "entryCacheMb",
  AGORA_PG_RANDOM_PAGE_COST: "pgRandomPageCost",
} as const satisfies Record<string, keyof typeof defaults>;

const envKeyOf = Object.fromEntries(Object.entries(envNames).map(([env, key]) => [key, env])) as Record<string, string>;

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    if (value === "") return true;
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.join(" or ")}`);

const flag = z
  .union([z.boolean(), z.enum(["1", "0", "true", "false", "yes", "no"])], "must be one of 1, 0, true, false, yes, no")
  .transform((v) => v === true || v === "1" || v === "true" || v === "yes");

/** A whole number, from a default or from digits only: " ", "1e3" and "0x10" are mistakes, not numbers. */
const integer = (min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  z
    .union([z.number(), z.string().trim().regex(/^\d+$/, "must be a whole number")], "must be a whole number")
    .transform(Number)
    .pipe(z.number().int("must be a whole number").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const maxWorkers = 64;

const pathList = z.union([z.array(z.string()), z.string().transform((v) => v.split(path.delimiter).filter(Boolean))]);

const schema = z.object({
  port: integer(0, 65535),
  host: z.string().min(1),
  baseUrl: url(["http:", "https:"]),
  dataDir: z.string().min(1),
  uploadsDir: z.string().min(1),
  databaseUrl: url(["postgres:", "postgresql:", "sqlite:"]),
  redisUrl: url(["redis:", "rediss:"]),
  smtpUrl: url(["smtp:", "smtps:"]),
  mailFrom: z.string().min(3),
  sessionSecret: z.string().refine((v) => v === "" || v.length >= 32, "must be at least 32 characters"),
  sessionDays: integer(1, 365),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], "must be one of fatal, error, warn, info, debug, trace, silent"),
  theme: z.string().regex(/^[a-z0-9-]+$/, "must be a theme folder name"),
  modulePaths: pathList,
  themePaths: pathList,
  bodyLimitKb: integer(1, 102400),
  uploadLimitMb: integer(1, 10240),
  trustProxy: flag,
  adminEmail: z.union([z.literal(""), z.string().email("must be an e-mail address")]),
  adminPassword: z.string(),
  adminName: z.string().min(1).max(100),
  siteName: z.string().min(1).max(100),
  defaultLanguage: z.enum(supportedLanguages, `must be one of ${supportedLanguages.join(", ")}`),
  loginAttemptsPerAccount: integer(1),
  loginAttemptsPerIp: integer(1),
  loginLockMinutes: integer(1),
  redisPrefix: z.string().regex(/^[\w:.-]{0,64}$/, "must be letters, digits, _ : . or - (64 at most)"),
  jobsPollMs: integer(10, 600000),
  jobsRetryMs: integer(10, 86400000),
  jobsLeaseMs: integer(1000, 3600000),
  // "auto": one worker process per CPU the machine offers.
  sourceMaps: flag,
  entryCacheMb: integer(0, 65536),
  // A decimal number as PostgreSQL's SET takes it (it is written into the statement), or "server" to leave the server's setting.
  pgRandomPageCost: z
    .string()
    .trim()
    .refine((value) => value === "server" || (/^\d{1,4}(\.\d{1,4})?$/.test(value) && Number(value) > 0 && Number(value) <= 1000), "must be a number above 0 and at most 1000 (such as 1.1), or server for the server's own setting"),
  workers: z.union([z.literal("auto").transform(() => Math.min(maxWorkers, os.availableParallelism())), integer(1, maxWorkers)], `must be a whole number from 1 to ${maxWorkers}, or auto`),
});

/** AGORA_LDAP_*: directory sign-in settings; each one set here wins over the admin console's (core/auth/ldap/settings.ts). */
export const ldapEnvNames = {
  AGORA_LDAP_URL: "urls",
  AGORA_LDAP_BIND_DN: "bindDn",
  AGORA_LDAP_BIND_PASSWORD: "bindPassword",
  AGORA_LDAP_BASE_DN: "baseDns",
  AGORA_LDAP_USER_FILTER: "userFilter",
  AGORA_LDAP_CA_FILE: "caFile",
  AGORA_LDAP_STARTTLS: "startTls",
  AGORA_LDAP_TIMEOUT: "timeoutSeconds",
  AGORA_LDAP_SYNC_INTERVAL: "syncIntervalMinutes",
} as const;

const ldapSchema = z.object({
  // Space-separated, tried in order: the first server that answers is used.
  urls: z.string().transform((v) => v.split(/\s+/).filter(Boolean)).pipe(z.array(url(["ldap:", "ldaps:"])).min(1)).optional(),
  bindDn: z.string().optional(),
  bindPassword: z.string().optional(),
  // Several base DNs are separated by ";" (a ";" inside a DN is escaped as "\;").
  baseDns: z.string().transform((v) => v.split(/(?<!\\);/).map((dn) => dn.trim()).filter(Boolean)).optional(),
  userFilter: z.string().refine((v) => v.includes("{{username}}"), "must contain {{username}} where the login goes").optional(),
  caFile: z.string().refine((file) => existsSync(file), "no such file").optional(),
  startTls: flag.optional(),
  timeoutSeconds: integer(1, 300).optional(),
  syncIntervalMinutes: integer(0, 525600).optional(),
});

export type LdapEnvironment = z.infer<typeof ldapSchema>;

/** AGORA_S3_*: module files (host.files) in an S3-compatible bucket instead of the uploads dir; AGORA_S3_BUCKET turns it on. */
export const objectStorageEnvNames = {
  AGORA_S3_BUCKET: "bucket",
  AGORA_S3_ENDPOINT: "endpoint",
  AGORA_S3_REGION: "region",
  AGORA_S3_ACCESS_KEY_ID: "accessKeyId",
  AGORA_S3_SECRET_ACCESS_KEY: "secretAccessKey",
  AGORA_S3_FORCE_PATH_STYLE: "forcePathStyle",
  AGORA_S3_PREFIX: "prefix",
} as const;

const objectStorageSchema = z.object({
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a bucket name (3 to 63 lowercase letters, digits, dots and dashes)"),
  // Another S3-compatible service (MinIO, Ceph, Garage, a provider's): its URL; unset for AWS itself.
  endpoint: url(["http:", "https:"]).optional(),
  region: z.string().regex(/^[a-z0-9-]{1,40}$/, "must be a region name such as eu-west-3").default("us-east-1"),
  accessKeyId: z.string().optional(),
  secretAccessKey: z.string().optional(),
  // Most self-hosted services address buckets in the path (http://host/bucket/key): on by default with an endpoint.
  forcePathStyle: flag.optional(),
  // Keys start with it (one bucket shared by several sites): letters, digits, "-", "_", "." and "/" ending with "/".
  prefix: z.union([z.literal(""), z.string().regex(/^([\w-][\w.-]{0,62}\/)+$/, "must be folder names ending with /, such as agora/")]).default(""),
});

export type ObjectStorageConfig = Omit<z.infer<typeof objectStorageSchema>, "forcePathStyle"> & { forcePathStyle: boolean };

export type Config = z.infer<typeof schema> & {
  sessionSecret: string;
  isHttps: boolean;
  /** AGORA_BASE_URL was not set: baseUrl is http://localhost:<port> (on port 0, the port the server gets: core/server.ts). */
  isBaseUrlFromPort: boolean;
  ldap: LdapEnvironment;
  /** Set when AGORA_S3_BUCKET is: module files go to that bucket (core/content/attachments/object-store.ts). */
  objectStorage?: ObjectStorageConfig | null;
};

/** Raised when a setting is invalid: the message names the variable so an admin can fix it. */
export class ConfigError extends Error {}

/** Reads defaults, then AGORA_* variables from `env`, validates, and fills generated secrets. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, unknown> = { ...defaults, modulePaths: [...defaults.modulePaths], themePaths: [...defaults.themePaths] };
  for (const [envName, key] of Object.entries(envNames)) {
    const value = env[envName];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  const ldapRaw = Object.fromEntries(Object.entries(ldapEnvNames).flatMap(([envName, key]) => (env[envName] ? [[key, env[envName]]] : [])));
  const ldap = ldapSchema.safeParse(ldapRaw);
  const s3Raw = Object.fromEntries(Object.entries(objectStorageEnvNames).flatMap(([envName, key]) => (env[envName] ? [[key, env[envName]]] : [])));
  const s3 = env.AGORA_S3_BUCKET ? objectStorageSchema.safeParse(s3Raw) : null;
  if (!parsed.success || !ldap.success || (s3 && !s3.success)) {
    const problems = (parsed.error?.issues ?? []).map((issue) => {
      const key = String(issue.path[0]);
      return `${envKeyOf[key] ?? key} (${shown(key, raw[key])}): ${issue.message}`;
    });
    for (const issue of ldap.error?.issues ?? []) {
      const key = String(issue.path[0]) as keyof LdapEnvironment;
      const envName = Object.entries(ldapEnvNames).find(([, name]) => name === key)![0];
      problems.push(`${envName} (${key === "bindPassword" ? "hidden" : ldapRaw[key]}): ${issue.message}`);
    }
    for (const issue of s3?.error?.issues ?? []) {
      const key = String(issue.path[0]) as keyof typeof s3Raw;
      const envName = Object.entries(objectStorageEnvNames).find(([, name]) => name === key)![0];
      problems.push(`${envName} (${key === "secretAccessKey" ? "hidden" : s3Raw[key]}): ${issue.message}`);
    }
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const config = parsed.data;
  if (config.adminEmail && config.adminPassword.length < 10) {
    throw new ConfigError("Invalid configuration:\n  AGORA_ADMIN_PASSWORD: must be at least 10 characters when AGORA_ADMIN_EMAIL is set");
  }
  // Unset, links go where this server listens: the port it was given, on this machine.
  const isBaseUrlFromPort = config.baseUrl === "";
  if (isBaseUrlFromPort) config.baseUrl = localBaseUrl(config.port);
  // Without a trailing slash, every link is simply baseUrl + path.
  config.baseUrl = config.baseUrl.replace(/\/+$/, "");
  config.dataDir = path.resolve(config.dataDir);
  config.uploadsDir = path.resolve(config.uploadsDir);
  let sessionSecret = config.sessionSecret;
  try {
    sessionSecret ||= generatedSecret(config.dataDir, "session-secret");
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  AGORA_DATA_DIR (${config.dataDir}): cannot keep the generated session secret there (${(error as Error).message})`);
  }
  const objectStorage = s3?.data ? { ...s3.data, forcePathStyle: s3.data.forcePathStyle ?? Boolean(s3.data.endpoint) } : null;
  return { ...config, sessionSecret, isHttps: config.baseUrl.startsWith("https:"), isBaseUrlFromPort, ldap: ldap.data, objectStorage };
}

/** The base URL when AGORA_BASE_URL is not set. */
export function localBaseUrl(port: number): string {
  return `http://localhost:${port}`;
}

/** Whether a URL's host is this machine only (loopback, or the "any address" 0.0.0.0 / ::): links to it open nowhere else. */
export function isLoopbackUrl(value: string): boolean {
  const host = new URL(value).hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return host === "localhost" || host.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(host) || host === "::1" || host === "0.0.0.0" || host === "::";
}

/** What the start log says when e-mailed links would open only on the server's machine; null when they are fine. */
export function baseUrlWarning(config: Pick<Config, "baseUrl" | "isBaseUrlFromPort">): string | null {
  if (!isLoopbackUrl(config.baseUrl)) return null;
  const problem = config.isBaseUrlFromPort
    ? `AGORA_BASE_URL is not set: links in e-mails point to ${config.baseUrl}, which opens only on this machine`
    : `AGORA_BASE_URL (${config.baseUrl}) opens only on this machine, and links in e-mails point there`;
  return `${problem}. Set AGORA_BASE_URL to the address people use to reach Agora, such as https://social.example.com.`;
}

const secretKeys = new Set(["sessionSecret", "adminPassword"]);

/** The value as an error message may show it: secrets hidden, passwords in URLs masked (messages end up in logs). */
function shown(key: string, value: unknown): string {
  if (secretKeys.has(key)) return "hidden";
  return String(value).replace(/\/\/([^/@:]*):[^/@]*@/, "//$1:***@");
}

/** A secret made once and kept in the data dir, so sessions survive restarts without setup. */
function generatedSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(`${file}.tmp`, secret, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return secret;
}
