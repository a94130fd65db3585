import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { User } from "../../core/models/user.ts";
import { Session } from "../../core/models/session.ts";
import { AuditEntry } from "../../core/models/audit-entry.ts";
import { DirectoryAccount } from "../../core/auth/ldap/directory-account.ts";
import { openLdapjsDirectory } from "../../core/auth/ldap/ldapjs-client.ts";
import { DirectoryError } from "../../core/auth/ldap/directory.ts";
import { syncDirectory } from "../../core/commands/ldap-sync.ts";
import { ldapSettingsOf } from "../../core/auth/ldap/settings.ts";
import { directoryEnv, directoryUrl, fixture, scratchDirectory, storeSettings, whenDirectoryAnswers } from "./helpers.ts";

// The sync against the real test slapd: the whole of ou=people (past the 500 size limit), then a
// scratch subtree of its own for creates, renames, disables and returns.

let app: TestApp;
const services = () => app.app;

/** AGORA_LDAP_BASE_DN wins over the admin console, so the test moves the environment's value itself. */
function searchUnder(base: string) {
  app.config.ldap.baseDns = [base];
  ldapSettingsOf(app.config).forget();
}

whenDirectoryAnswers(() => {
  test.before(async () => {
    app = await startApp(directoryEnv());
    await storeSettings(app, { groupBaseDn: fixture.groupsDn, adminGroupDn: `cn=agora-admins,${fixture.groupsDn}`, disabledFilter: "(employeeType=disabled)", disabledGroupDn: `cn=disabled-accounts,${fixture.groupsDn}` });
  });
  test.after.always(async () => {
    await app?.close();
  });

  test.serial("the server's size limit bites a plain search; the paged one reads it all", async (t) => {
    const client = await openLdapjsDirectory({ urls: [directoryUrl], startTls: false, ca: null, verifyCertificate: true, timeoutMs: 5000, connectTimeoutMs: 3000 });
    try {
      await client.bind(fixture.serviceDn, fixture.servicePassword);
      const error = await t.throwsAsync(client.search(fixture.peopleDn, { filter: "(uid=*)", scope: "sub", attributes: ["uid"], pageSize: 0 }));
      t.is((error as DirectoryError).kind, "sizeLimit");
      const all = await client.search(fixture.peopleDn, { filter: "(uid=*)", scope: "sub", attributes: ["uid"], pageSize: 200 });
      t.is(all.length, fixture.generatedPeople + fixture.namedPeople);
    } finally {
      await client.close();
    }
  });

  test.serial("a first sync creates every account, reports the odd entries, and a second changes nothing", async (t) => {
    const first = await syncDirectory(services());
    t.is(first.failure, undefined);
    t.is(first.seen, fixture.generatedPeople + fixture.namedPeople);
    // retired and suspended match the disabled rule: they get no account.
    t.is(first.created, first.seen - 2);
    t.is(first.errors, 0);
    const problems = new Set(first.problems.map((entry) => `${entry.problem} ${entry.dn.split(",")[0]}`));
    for (const expected of ["missingEmail uid=nomail", "duplicateEmail uid=dup2", "longValue uid=longvalues", "invalidEmail uid=longvalues"]) t.true(problems.has(expected), expected);
    t.is((await User.findOne({ where: { username: "alice" } }))?.role, "admin", "nested admin group applied at sync");
    t.is(await User.count({ where: { username: ["retired", "suspended"] } }), 0);
    t.truthy(await AuditEntry.findOne({ where: { action: "ldap.synced" } }));

    const second = await syncDirectory(services());
    t.like(second, { created: 0, updated: 0, disabled: 0, errors: 0, unchanged: first.created });
  });

  test.serial("created, updated, renamed, disabled (sessions ended) and back again, in a subtree of its own", async (t) => {
    const scratch = await scratchDirectory();
    try {
      searchUnder(scratch.base);
      for (const uid of ["ann", "ben", "cat"]) await scratch.person(uid);
      const created = await syncDirectory(services());
      t.like(created, { seen: 3, created: 3, updated: 0, errors: 0 });
      // Everyone from ou=people left this base: they are disabled (sessions ended), never deleted.
      t.true(created.disabled > fixture.generatedPeople);
      t.is(await User.count({ where: { authSource: "ldap", status: "disabled" } }), created.disabled);

      const ann = (await User.findOne({ where: { email: `ann.${scratch.base.split(",")[0].slice(3)}@scratch.test` } }))!;
      const annId = ann.id;
      const client = app.client();
      await client.get("/login");
      t.is((await client.post("/login", { login: "ann", password: fixture.passwordOf("ann") })).status, 302);
      t.true((await Session.count({ where: { userId: annId } })) > 0);

      await scratch.modify(`uid=ben,${scratch.base}`, "replace", { cn: "Benjamin Renamed" });
      await scratch.rename(`uid=cat,${scratch.base}`, "uid=catherine");
      await scratch.remove(`uid=ann,${scratch.base}`);
      const changed = await syncDirectory(services());
      t.like(changed, { seen: 2, created: 0, updated: 2, disabled: 1, errors: 0 });
      t.is((await User.findByPk(annId))?.status, "disabled");
      t.true((await DirectoryAccount.findByPk(annId))?.isDisabledByDirectory);
      t.is(await Session.count({ where: { userId: annId } }), 0, "her sessions ended");
      t.is((await client.get("/")).status, 302, "her browser is signed out");
      t.is((await User.findOne({ where: { displayName: "Benjamin Renamed" } }))?.authSource, "ldap");
      const renamed = await DirectoryAccount.findOne({ where: { dn: `uid=catherine,${scratch.base}` } });
      t.truthy(renamed, "the rename kept the account (same entryUUID)");
      t.is(await User.count({ where: { displayName: "Scratch cat" } }), 1, "no second account");

      // The disabled rule by attribute; then the entry comes back to normal and so does the account.
      await scratch.modify(`uid=ben,${scratch.base}`, "add", { employeeType: "disabled" });
      t.like(await syncDirectory(services()), { disabled: 1, created: 0 });
      await scratch.modify(`uid=ben,${scratch.base}`, "delete", { employeeType: "disabled" });
      t.like(await syncDirectory(services()), { updated: 1, disabled: 0 });
      t.is((await User.findOne({ where: { displayName: "Benjamin Renamed" } }))?.status, "active");
      t.like(await syncDirectory(services()), { created: 0, updated: 0, disabled: 0, errors: 0 });
    } finally {
      await scratch.close();
    }
  });

  test.serial("a base DN that finds nobody changes nothing and says why", async (t) => {
    const before = await User.count({ where: { status: "active" } });
    searchUnder(`ou=empty-nowhere,${fixture.scratchDn}`);
    const report = await syncDirectory(services());
    t.is(report.failure?.kind, "noSuchObject");
    t.is(await User.count({ where: { status: "active" } }), before);
  });
});
