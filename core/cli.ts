// `npx agora <command>` (or `npm run agora -- <command>`): admin tasks from a shell, through the same commands as the web.
import { parseArgs } from "node:util";
import pino, { type Logger } from "pino";
import type { i18n } from "i18next";
import { Op, type Sequelize, type WhereOptions } from "sequelize";
import { z } from "zod";
import { ConfigError, loadConfig, type Config } from "../config/index.ts";
import { openCore } from "./app.ts";
import { User, instanceRoles, userStatuses } from "./models/user.ts";
import { ModuleError, ModuleRegistry } from "./modules/registry.ts";
import { SettingsStore } from "./settings.ts";
import { accountFields, AccountTakenError, createAccount } from "./commands/user-creator.ts";
import { completeSetup } from "./commands/setup-completer.ts";
import { audit } from "./commands/audit.ts";
import { changeUserStatus } from "./commands/user-status-changer.ts";
import { AdminActionRefusedError } from "./commands/admin-guard.ts";
import { endSessionsOf } from "./auth/session-store.ts";
import { hashPassword } from "./auth/passwords.ts";
import { DirectoryError } from "./auth/ldap/directory.ts";
import { SyncBusyError, syncDirectory, syncReportText } from "./commands/ldap-sync.ts";

/** Exit codes (sysexits): 64 bad arguments, 78 bad configuration, 1 anything else. */
const exitCodes = { usage: 64, config: 78, failure: 1 } as const;

/** Wrong command line: the message is shown with the command's usage. */
class UsageError extends Error {}
/** The command ran but could not do what was asked (unknown account, taken e-mail...). */
class CommandError extends Error {}

interface Instance {
  config: Config;
  logger: Logger;
  sequelize: Sequelize;
  registry: ModuleRegistry;
  settings: SettingsStore;
  i18n: i18n;
  appliedMigrations: string[];
}

type Values = Record<string, string | undefined>;

interface Command {
  usage: string;
  summary: string;
  options?: Record<string, { type: "string" }>;
  positionals?: string[];
  run(instance: Instance, values: Values, positionals: string[]): Promise<void>;
}

const print = (line = "") => void process.stdout.write(`${line}\n`);

/** Prints rows as aligned columns, the header first when given; widths come from these rows unless passed. */
function printTable(header: string[] | null, rows: string[][], widths?: number[]) {
  const lines = header ? [header, ...rows] : rows;
  const columns = widths ?? lines[0].map((_, i) => Math.max(...lines.map((row) => row[i].length)));
  for (const row of lines) print(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(columns[i]))).join("  ").trimEnd());
  return columns;
}

/** Core and module models, migrations and module registrations: everything but HTTP. */
async function openInstance(config: Config, logger: Logger): Promise<Instance> {
  return { config, logger, ...(await openCore(config, logger)) };
}

/** Validation messages are translation keys; the CLI speaks English. */
function explain(instance: Instance, issues: z.core.$ZodIssue[], optionOf: Record<string, string>) {
  return issues.map((issue) => {
    const field = String(issue.path[0]);
    const message = /^[a-z]+:[A-Za-z.]+$/.test(issue.message) ? instance.i18n.t(issue.message, { lng: "en" }) : issue.message;
    return `--${optionOf[field] ?? field}: ${message}`;
  });
}

async function findAccount(email: string | undefined): Promise<User> {
  if (!email) throw new UsageError("--email is required");
  const user = await User.findOne({ where: { email: email.trim().toLowerCase() } });
  if (!user) throw new CommandError(`No account uses the e-mail address ${email}.`);
  return user;
}

function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${option} must be one of: ${allowed.join(", ")}`);
  return value as T;
}

const newAccount = z.object({
  email: accountFields.email,
  displayName: accountFields.displayName,
  password: accountFields.password,
  username: accountFields.username.optional(),
});

async function createUser(instance: Instance, values: Values) {
  const missing = ["email", "password", "name"].filter((name) => !values[name]);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(", ")}`);
  const role = oneOf("role", values.role, instanceRoles) ?? "member";
  const parsed = newAccount.safeParse({ email: values.email, displayName: values.name, password: values.password, username: values.username });
  if (!parsed.success) throw new UsageError(explain(instance, parsed.error.issues, { displayName: "name" }).join("\n"));
  const account = parsed.data;
  const isFirstAdmin = role === "admin" && !(await instance.settings.get()).isSetupComplete && !(await User.findOne({ where: { role: "admin" } }));
  try {
    // The first admin completes setup exactly as the /setup page does, so the site does not ask again.
    const user = isFirstAdmin
      ? await completeSetup(instance, { ...account, siteName: instance.config.siteName, language: instance.config.defaultLanguage })
      : await instance.sequelize.transaction(async (transaction) => {
          const created = await createAccount({ ...account, role, status: "active" }, transaction);
          await audit(null, "user.created", { type: "user", id: created.id }, { via: "cli", role }, transaction);
          return created;
        });
    if (!isFirstAdmin) await instance.registry.hooks.emit("user.created", { user });
    print(`Created ${user.role} ${user.username} <${user.email}> (id ${user.id})${isFirstAdmin ? "; setup is complete" : ""}.`);
  } catch (error) {
    if (error instanceof AccountTakenError) throw new CommandError(`--${error.field}: ${instance.i18n.t(error.message, { lng: "en" })}`);
    throw error;
  }
}

/** Switches an account off (ending its sessions) or back on, approving it if it was pending: the admin console's command. */
async function setStatus(instance: Instance, values: Values, status: "active" | "disabled") {
  const user = await findAccount(values.email);
  if (user.status === status) {
    print(`${user.email} is already ${status}.`);
    return;
  }
  const change = status === "disabled" ? "disable" : user.status === "pending" ? "approve" : "enable";
  try {
    await changeUserStatus(instance, null, user.id, change);
  } catch (error) {
    if (error instanceof AdminActionRefusedError) throw new CommandError(instance.i18n.t(error.messageKey, { lng: "en" }));
    throw error;
  }
  print(status === "disabled" ? `Disabled ${user.email}; their sessions have ended.` : `Enabled ${user.email}.`);
}

async function setPassword(instance: Instance, values: Values) {
  const user = await findAccount(values.email);
  if (!values.password) throw new UsageError("--password is required");
  const password = accountFields.password.safeParse(values.password);
  if (!password.success) throw new UsageError(explain(instance, password.error.issues.map((issue) => ({ ...issue, path: ["password"] })), {}).join("\n"));
  const passwordHash = await hashPassword(password.data);
  await instance.sequelize.transaction(async (transaction) => {
    await user.update({ passwordHash }, { transaction });
    await endSessionsOf(user.id, transaction);
    await audit(null, "user.password_set", { type: "user", id: user.id }, { via: "cli" }, transaction);
  });
  print(`Password changed for ${user.email}; their sessions ended.`);
}

/** Prints every account, a batch at a time in id order, so a large directory never sits in memory. */
async function listUsers(_instance: Instance, values: Values) {
  const filter: WhereOptions<User> = {};
  const role = oneOf("role", values.role, instanceRoles);
  const status = oneOf("status", values.status, userStatuses);
  if (role) Object.assign(filter, { role });
  if (status) Object.assign(filter, { status });
  const header = ["ID", "EMAIL", "USERNAME", "ROLE", "STATUS", "NAME"];
  let widths: number[] | undefined;
  let lastId = 0;
  let count = 0;
  for (;;) {
    const batch = await User.findAll({ where: { ...filter, id: { [Op.gt]: lastId } }, order: [["id", "ASC"]], limit: 500 });
    if (batch.length === 0) break;
    const rows = batch.map((u) => [String(u.id), u.email, u.username, u.role, u.status, u.displayName]);
    // Column widths are set by the first batch; later rows keep them.
    widths = printTable(widths ? null : header, rows, widths);
    lastId = batch[batch.length - 1].id;
    count += batch.length;
  }
  if (count === 0) print("No accounts match.");
}

function knownModule(instance: Instance, moduleId: string) {
  const module = instance.registry.list().find((m) => m.id === moduleId);
  if (!module) throw new CommandError(`No module "${moduleId}". Run \`agora module:list\` to see the installed modules.`);
  return module;
}

const moduleErrors: Record<string, string> = {
  "modules:errors.unavailable": "This module failed to load, so it cannot be switched on.",
  "modules:errors.requires": "This module needs other modules that are switched off; enable them first.",
  "modules:errors.required": "Other enabled modules need this one; disable them first.",
};

async function switchModule(instance: Instance, moduleId: string, on: boolean) {
  const module = knownModule(instance, moduleId);
  try {
    if (on) await instance.registry.enable(moduleId);
    else await instance.registry.disable(moduleId);
  } catch (error) {
    if (!(error instanceof ModuleError)) throw error;
    const detail = module.error ? ` (${module.error})` : "";
    throw new CommandError(`${moduleId}: ${instance.i18n.t(error.message, { lng: "en", defaultValue: moduleErrors[error.message] ?? error.message })}${detail}`);
  }
  print(`${on ? "Enabled" : "Disabled"} module ${moduleId}.`);
}

const commands: Record<string, Command> = {
  migrate: {
    usage: "migrate",
    summary: "apply core and module database migrations, then exit",
    async run(instance) {
      const applied = instance.appliedMigrations;
      print(applied.length === 0 ? "The database is up to date." : `Applied ${applied.length} migration(s):\n  ${applied.join("\n  ")}`);
    },
  },
  "user:create": {
    usage: "user:create --email E --password P --name N [--role admin|member|guest] [--username U]",
    summary: "create an active account (the first admin also completes setup)",
    options: { email: { type: "string" }, password: { type: "string" }, name: { type: "string" }, role: { type: "string" }, username: { type: "string" } },
    run: (instance, values) => createUser(instance, values),
  },
  "user:disable": {
    usage: "user:disable --email E",
    summary: "disable an account and end its sessions",
    options: { email: { type: "string" } },
    run: (instance, values) => setStatus(instance, values, "disabled"),
  },
  "user:enable": {
    usage: "user:enable --email E",
    summary: "enable a disabled or pending account",
    options: { email: { type: "string" } },
    run: (instance, values) => setStatus(instance, values, "active"),
  },
  "user:list": {
    usage: "user:list [--role admin|member|guest] [--status active|pending|disabled]",
    summary: "list accounts as a table",
    options: { role: { type: "string" }, status: { type: "string" } },
    run: listUsers,
  },
  "user:set-password": {
    usage: "user:set-password --email E --password P",
    summary: "set an account's password and end its sessions",
    options: { email: { type: "string" }, password: { type: "string" } },
    run: setPassword,
  },
  "ldap:sync": {
    usage: "ldap:sync",
    summary: "sync accounts with the LDAP/AD directory: create, update, disable; print the counts",
    async run(instance) {
      try {
        const report = await syncDirectory(instance);
        print(syncReportText(report));
        if (report.failure) throw new CommandError("the directory sync failed; see above");
      } catch (error) {
        if (error instanceof DirectoryError || error instanceof SyncBusyError) throw new CommandError(error.message);
        throw error;
      }
    },
  },
  "search:reindex": {
    usage: "search:reindex",
    summary: "rebuild the search index from the data (people, groups, posts, comments, files, modules' content)",
    async run(instance) {
      const started = Date.now();
      const counts = await (await import("./search/install.ts")).reindexAll(instance.sequelize, instance.registry, instance.logger);
      print(`Indexed ${[...counts].map(([kind, count]) => `${count} ${kind}`).join(", ") || "nothing"} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    },
  },
  "module:list": {
    usage: "module:list",
    summary: "list installed modules and their state",
    async run(instance) {
      const modules = instance.registry.list();
      if (modules.length === 0) print("No modules are installed.");
      else printTable(
        ["ID", "VERSION", "STATE", "ENABLED", "PROBLEM"],
        modules.map((m) => [m.id, m.version ?? "-", m.state, m.isEnabled ? "yes" : "no", m.error ?? ""]),
      );
    },
  },
  "module:enable": {
    usage: "module:enable <id>",
    summary: "switch a module on for the whole instance",
    positionals: ["id"],
    run: (instance, _values, [moduleId]) => switchModule(instance, moduleId, true),
  },
  "module:disable": {
    usage: "module:disable <id>",
    summary: "switch a module off (runs its clean-up)",
    positionals: ["id"],
    run: (instance, _values, [moduleId]) => switchModule(instance, moduleId, false),
  },
};

function help() {
  const width = Math.max(...Object.values(commands).map((c) => c.usage.split(" ")[0].length));
  return [
    "Usage: npx agora <command> [options]",
    "",
    "Commands:",
    ...Object.values(commands).map((c) => `  ${c.usage.split(" ")[0].padEnd(width)}  ${c.summary}`),
    `  ${"help".padEnd(width)}  show this help (or \`agora <command> --help\`)`,
    "",
    "Settings come from the same AGORA_* variables and DATABASE_URL as the server (see README).",
  ].join("\n");
}

function parseCommandLine(command: Command, args: string[]) {
  try {
    const parsed = parseArgs({ args, options: { ...command.options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
    const expected = command.positionals?.length ?? 0;
    if (!parsed.values.help && parsed.positionals.length !== expected) {
      throw new UsageError(expected === 0 ? `unexpected argument "${parsed.positionals[0]}"` : `expected ${command.positionals!.map((p) => `<${p}>`).join(" ")}`);
    }
    return parsed;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
}

/** Runs one command line and returns the process exit code. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const [name, ...args] = argv;
  if (name === "help" || name === "--help" || name === "-h") {
    print(help());
    return 0;
  }
  const command = name === undefined ? undefined : commands[name];
  if (!command) {
    process.stderr.write(`${name === undefined ? "No command given." : `Unknown command "${name}".`}\n\n${help()}\n`);
    return exitCodes.usage;
  }
  let instance: Instance | null = null;
  try {
    const { values, positionals } = parseCommandLine(command, args);
    if (values.help) {
      print(`Usage: npx agora ${command.usage}\n\n${command.summary}`);
      return 0;
    }
    // Logs go to stderr and default to warnings only, so stdout is the command's output.
    const config = loadConfig({ ...env, AGORA_LOG_LEVEL: env.AGORA_LOG_LEVEL || "warn" });
    const logger = pino({ level: config.logLevel, base: { service: "agora-cli" } }, pino.destination({ fd: 2, sync: true }));
    instance = await openInstance(config, logger);
    await command.run(instance, values as Values, positionals);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`agora ${name}: ${error.message}\nUsage: npx agora ${command.usage}\n`);
      return exitCodes.usage;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return exitCodes.config;
    }
    const message = error instanceof CommandError ? error.message : `failed: ${(error as Error)?.stack ?? error}`;
    process.stderr.write(`agora ${name}: ${message}\n`);
    return exitCodes.failure;
  } finally {
    await instance?.sequelize.close();
  }
}

// Exit explicitly: a module may leave timers behind, and a CLI must not hang on them.
process.exit(await runCli(process.argv.slice(2)));
