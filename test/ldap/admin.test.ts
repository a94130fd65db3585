import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { Setting } from "../../core/models/setting.ts";
import { ldapSettingsOf } from "../../core/auth/ldap/settings.ts";
import { directoryUrl, fixture, whenDirectoryAnswers } from "./helpers.ts";

// The admin console page: settings kept in the database (bind password sealed, never shown), env locks, test button.

let app: TestApp;

const form = (overrides: Record<string, string> = {}) => ({
  isEnabled: "1",
  urls: directoryUrl,
  verifyCertificate: "1",
  bindDn: fixture.serviceDn,
  bindPassword: fixture.servicePassword,
  baseDns: fixture.peopleDn,
  userFilter: "(&(objectClass=inetOrgPerson)(uid={{username}}))",
  loginAttribute: "uid",
  uniqueIdAttribute: "entryUUID",
  attribute_email: "mail",
  attribute_firstName: "givenName",
  attribute_lastName: "sn",
  attribute_displayName: "cn",
  attribute_title: "title",
  attribute_department: "departmentNumber",
  attribute_phone: "telephoneNumber",
  attribute_manager: "manager",
  attribute_photo: "jpegPhoto",
  groupBaseDn: fixture.groupsDn,
  groupFilter: "",
  adminGroupDn: "",
  disabledFilter: "",
  disabledGroupDn: "",
  timeoutSeconds: "5",
  syncIntervalMinutes: "0",
  ...overrides,
});

test.before(async () => {
  app = await startApp({ AGORA_LDAP_SYNC_INTERVAL: "0" });
});
test.after.always(async () => {
  await app?.close();
});

whenDirectoryAnswers(() => {
  test.serial("only admins reach the page", async (t) => {
    const { client } = await app.signedIn("member");
    t.is((await client.get("/admin/ldap")).status, 403);
  });

  test.serial("saving the settings seals the bind password; the page never shows it", async (t) => {
    const { client } = await app.signedIn("admin");
    const saved = await client.post("/admin/ldap", form());
    t.is(saved.status, 302, saved.text.slice(0, 500));
    const row = await Setting.findByPk("ldap");
    t.false(row!.value.includes(fixture.servicePassword), "not stored in clear");
    t.regex(JSON.parse(row!.value).bindPasswordSealed, /^v1\./);
    t.is((await ldapSettingsOf(app.config).get()).bindPassword, fixture.servicePassword);
    const page = await client.get("/admin/ldap");
    t.false(page.text.includes(fixture.servicePassword));
    t.regex(page.text, /A password is stored, encrypted/);
    // An empty password field keeps the stored one.
    t.is((await client.post("/admin/ldap", form({ bindPassword: "" }))).status, 302);
    t.is((await ldapSettingsOf(app.config).get()).bindPassword, fixture.servicePassword);
  });

  test.serial("bad values are refused with the reason, and nothing changes", async (t) => {
    const { client } = await app.signedIn("admin");
    const refused = await client.post("/admin/ldap", form({ urls: "http://example.test", userFilter: "(uid=alice)", baseDns: "not a dn", groupFilter: "(objectClass=group" }));
    t.is(refused.status, 422);
    t.regex(refused.text, /Addresses start with ldap:\/\/ or ldaps:\/\//);
    t.regex(refused.text, /must contain \{\{username\}\}/);
    t.regex(refused.text, /Not a valid DN/);
    t.regex(refused.text, /parentheses balance/);
    t.false(refused.text.includes(fixture.servicePassword));
    t.deepEqual((await ldapSettingsOf(app.config).get()).urls, [directoryUrl]);
  });

  test.serial("test connection: binds, counts every matching user past the size limit, shows a sample", async (t) => {
    const { client } = await app.signedIn("admin");
    const page = await client.post("/admin/ldap/test");
    t.is(page.status, 200);
    t.regex(page.text, new RegExp(`Users matching the filter: ${fixture.generatedPeople + fixture.namedPeople} `));
    t.regex(page.text, new RegExp(`Groups found under the group base: ${fixture.groups}\\.`));
    t.regex(page.text, /alice@agora\.test/);
  });

  test.serial("test connection: a wrong password and an unreachable server are said in plain words", async (t) => {
    const { client } = await app.signedIn("admin");
    await client.post("/admin/ldap", form({ bindPassword: "wrong-password" }));
    const wrong = await client.post("/admin/ldap/test");
    t.regex(wrong.text, /The directory refused the service account/);
    t.false(wrong.text.includes("wrong-password"), "the typed password is not echoed");
    await client.post("/admin/ldap", form({ urls: "ldap://127.0.0.1:1" }));
    const down = await client.post("/admin/ldap/test");
    t.regex(down.text, /No directory server answered at the address given/);
  });

  test.serial("sync now runs in the background and its report shows on the page", async (t) => {
    const { client } = await app.signedIn("admin");
    await client.post("/admin/ldap", form());
    const started = await client.post("/admin/ldap/sync");
    t.is(started.status, 302);
    let page = "";
    for (let attempt = 0; attempt < 100 && !/entries read/.test(page); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      page = (await client.get("/admin/ldap")).text;
    }
    t.regex(page, new RegExp(`${fixture.generatedPeople + fixture.namedPeople} entries read: ${fixture.generatedPeople + fixture.namedPeople} created`));
  });
});

test.serial("fields set by AGORA_LDAP_* are shown locked and win over the stored ones", async (t) => {
  await app.close();
  app = await startApp({ AGORA_LDAP_URL: directoryUrl, AGORA_LDAP_BIND_PASSWORD: "from-the-environment", AGORA_LDAP_BASE_DN: fixture.peopleDn });
  const { client } = await app.signedIn("admin");
  const page = await client.get("/admin/ldap");
  t.regex(page.text, /Set by the environment variable AGORA_LDAP_URL/);
  t.regex(page.text, /Set by the environment variable AGORA_LDAP_BIND_PASSWORD/);
  t.false(page.text.includes("from-the-environment"));
  t.is((await client.post("/admin/ldap", form({ urls: "ldap://elsewhere.test" }))).status, 302);
  t.deepEqual((await ldapSettingsOf(app.config).get()).urls, [directoryUrl]);
});
