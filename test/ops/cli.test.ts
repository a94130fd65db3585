import test from "ava";
import type { Sequelize } from "sequelize";
import { loadConfig } from "../../config/index.ts";
import { createSequelize } from "../../core/db/sequelize.ts";
import { initCoreModels, ModuleState, Session, Setting, User } from "../../core/models/index.ts";
import { verifyPassword } from "../../core/auth/passwords.ts";
import { agora, freshInstance, run, type Instance } from "./processes.ts";

let instance: Instance;
let sequelize: Sequelize | null = null;

test.before(async () => {
  instance = await freshInstance();
});
test.after.always(async () => {
  await sequelize?.close();
  await instance?.remove();
});

/** The instance's database, opened from this test process to check what the CLI wrote. */
async function database() {
  if (!sequelize) {
    sequelize = await createSequelize(loadConfig(instance.env));
    initCoreModels(sequelize);
  }
  return sequelize;
}

const memberEmail = "mia.member@example.test";

test("`npx agora help` runs the project's own bin and lists the commands", async (t) => {
  const result = await run("npx", ["--no-install", "agora", "help"], instance.env);
  t.is(result.code, 0, result.stderr);
  for (const command of ["migrate", "user:create", "user:disable", "user:enable", "user:list", "user:set-password", "module:list", "module:enable", "module:disable"]) {
    t.regex(result.stdout, new RegExp(`^  ${command} `, "m"));
  }
});

test.serial("migrate applies core and module migrations once, then reports the database up to date", async (t) => {
  const first = await agora(["migrate"], instance.env);
  t.is(first.code, 0, first.stderr);
  t.regex(first.stdout, /Applied \d+ migration\(s\)/);
  t.regex(first.stdout, /core\/\d{14}-/);
  t.regex(first.stdout, /fixture-notes\/\d{14}-/);
  const second = await agora(["migrate"], instance.env);
  t.is(second.code, 0, second.stderr);
  t.is(second.stdout.trim(), "The database is up to date.");
});

test.serial("the first admin created from the CLI completes setup", async (t) => {
  const result = await agora(["user:create", "--email", "Root@Example.test", "--password", "root-password-1", "--name", "Root Admin", "--role", "admin"], instance.env);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^Created admin \S+ <root@example\.test> \(id \d+\); setup is complete\.$/m);
  await database();
  const setupFlag = await Setting.findByPk("isSetupComplete");
  t.is(setupFlag?.value, "true");
});

test.serial("user:create makes an active member with an argon2id hash; user:list shows it as a table", async (t) => {
  const created = await agora(["user:create", "--email", memberEmail, "--password", "member-password-1", "--name", "Mia Member", "--username", "mia"], instance.env);
  t.is(created.code, 0, created.stderr);
  t.regex(created.stdout, /^Created member mia <mia\.member@example\.test> \(id \d+\)\.$/m);
  await database();
  const user = await User.findOne({ where: { email: memberEmail } });
  t.is(user?.status, "active");
  t.true(user!.passwordHash!.startsWith("$argon2id$"));
  t.true(await verifyPassword(user!.passwordHash, "member-password-1"));

  const list = await agora(["user:list"], instance.env);
  t.is(list.code, 0, list.stderr);
  const lines = list.stdout.trimEnd().split("\n");
  t.regex(lines[0], /^ID\s+EMAIL\s+USERNAME\s+ROLE\s+STATUS\s+NAME$/);
  t.true(lines.some((line) => /^\d+\s+mia\.member@example\.test\s+mia\s+member\s+active\s+Mia Member$/.test(line)));
  t.true(lines.some((line) => /root@example\.test\s+\S+\s+admin/.test(line)));
  t.false(lines.some((line) => line.startsWith("{")), "no log lines on stdout");

  const admins = await agora(["user:list", "--role", "admin"], instance.env);
  t.notRegex(admins.stdout, /mia/);
  t.regex(admins.stdout, /root@example\.test/);
});

test.serial("user:create refuses a taken e-mail and changes nothing", async (t) => {
  await database();
  const before = await User.count();
  const result = await agora(["user:create", "--email", memberEmail.toUpperCase(), "--password", "other-password-1", "--name", "Copy"], instance.env);
  t.is(result.code, 1);
  t.regex(result.stderr, /--email: An account already uses this e-mail address/);
  t.is(result.stdout, "");
  t.is(await User.count(), before);
});

test.serial("user:disable ends the account's sessions; user:enable switches it back on", async (t) => {
  await database();
  const user = (await User.findOne({ where: { email: memberEmail } }))!;
  await Session.create({ id: "cli-test-session", userId: user.id, data: "{}", expiresAt: new Date(Date.now() + 3600_000) });

  const disabled = await agora(["user:disable", "--email", memberEmail], instance.env);
  t.is(disabled.code, 0, disabled.stderr);
  t.is(disabled.stdout.trim(), "Disabled mia.member@example.test; their sessions have ended.");
  await user.reload();
  t.is(user.status, "disabled");
  t.is(await Session.count({ where: { userId: user.id } }), 0);

  const list = await agora(["user:list", "--status", "disabled"], instance.env);
  t.regex(list.stdout, /mia\.member@example\.test/);
  t.notRegex(list.stdout, /root@example\.test/);

  const enabled = await agora(["user:enable", "--email", memberEmail], instance.env);
  t.is(enabled.code, 0, enabled.stderr);
  await user.reload();
  t.is(user.status, "active");
});

test.serial("user:set-password replaces the hash and ends sessions", async (t) => {
  await database();
  const user = (await User.findOne({ where: { email: memberEmail } }))!;
  await Session.create({ id: "cli-test-session-2", userId: user.id, data: "{}", expiresAt: new Date(Date.now() + 3600_000) });
  const result = await agora(["user:set-password", "--email", memberEmail, "--password", "brand-new-password"], instance.env);
  t.is(result.code, 0, result.stderr);
  await user.reload();
  t.true(await verifyPassword(user.passwordHash, "brand-new-password"));
  t.false(await verifyPassword(user.passwordHash, "member-password-1"));
  t.is(await Session.count({ where: { userId: user.id } }), 0);
});

test.serial("module:enable and module:disable switch a module; a broken or unknown module is refused", async (t) => {
  const listed = await agora(["module:list"], instance.env);
  t.is(listed.code, 0, listed.stderr);
  t.regex(listed.stdout, /^fixture-notes\s+1\.2\.0\s+disabled\s+no\s*$/m);
  t.regex(listed.stdout, /^fixture-broken\s.*\sno\s+fixture-broken failed on purpose/m);

  await database();
  const instanceState = async () => (await ModuleState.findOne({ where: { moduleId: "fixture-notes", containerId: null } }))?.state;
  const enabled = await agora(["module:enable", "fixture-notes"], instance.env);
  t.is(enabled.code, 0, enabled.stderr);
  t.is(enabled.stdout.trim(), "Enabled module fixture-notes.");
  t.is(await instanceState(), "enabled");

  const broken = await agora(["module:enable", "fixture-broken"], instance.env);
  t.is(broken.code, 1);
  t.regex(broken.stderr, /agora module:enable: fixture-broken: .*failed on purpose/);

  const unknown = await agora(["module:disable", "no-such-module"], instance.env);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /No module "no-such-module"/);

  const disabled = await agora(["module:disable", "fixture-notes"], instance.env);
  t.is(disabled.code, 0, disabled.stderr);
  t.is(await instanceState(), "disabled");
});

const badCommandLines: [string, string[], RegExp][] = [
  ["no command", [], /No command given/],
  ["an unknown command", ["user:delete"], /Unknown command "user:delete"/],
  ["an unknown option", ["user:list", "--colour"], /Unknown option '--colour'/],
  ["a missing option", ["user:create", "--email", "x@example.test", "--password", "long-enough-1"], /missing --name/],
  ["an invalid e-mail", ["user:create", "--email", "not-an-email", "--password", "long-enough-1", "--name", "X"], /--email: Enter a valid e-mail address/],
  ["a short password", ["user:create", "--email", "y@example.test", "--password", "short", "--name", "Y"], /--password: The password must be at least 10 characters/],
  ["an unknown role", ["user:create", "--email", "z@example.test", "--password", "long-enough-1", "--name", "Z", "--role", "boss"], /--role must be one of: admin, member, guest/],
  ["a missing module id", ["module:enable"], /expected <id>/],
  ["a missing --email", ["user:disable"], /--email is required/],
];

// Concurrent: AVA runs these after the serial tests, and none of them may write anything.
for (const [what, args, message] of badCommandLines) {
  test(`${what} exits 64 with a message and writes nothing`, async (t) => {
    await database();
    const before = await User.count();
    const result = await agora(args, instance.env);
    t.is(result.code, 64, result.stderr);
    t.regex(result.stderr, message);
    t.is(await User.count(), before);
  });
}

test.serial("the last active admin cannot be disabled", async (t) => {
  const result = await agora(["user:disable", "--email", "root@example.test"], instance.env);
  t.is(result.code, 1);
  t.regex(result.stderr.trim().split("\n").at(-1)!, /^agora user:disable: \S.*admin/i);
  t.is((await User.findOne({ where: { email: "root@example.test" } }))?.status, "active");
});

test.serial("an unknown account is an error (exit 1), not a crash", async (t) => {
  const result = await agora(["user:disable", "--email", "nobody@example.test"], instance.env);
  t.is(result.code, 1);
  t.is(result.stderr.trim().split("\n").at(-1), "agora user:disable: No account uses the e-mail address nobody@example.test.");
});

test("a bad setting stops the CLI with exit 78 and names the variable", async (t) => {
  const result = await agora(["user:list"], { ...instance.env, AGORA_LOG_LEVEL: "loud" });
  t.is(result.code, 78);
  t.regex(result.stderr, /AGORA_LOG_LEVEL \(loud\): must be one of/);
});
