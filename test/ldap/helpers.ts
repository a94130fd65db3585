import { randomBytes } from "node:crypto";
import test from "ava";
import ldap from "ldapjs";
import { directoryFixture as fixture } from "./fixtures/directory.ts";
import { openLdapjsDirectory } from "../../core/auth/ldap/ldapjs-client.ts";
import { ldapSettingsOf, type StoredLdapSettings } from "../../core/auth/ldap/settings.ts";
import type { TestApp } from "../helpers/app.ts";

export { fixture };

/** The test slapd started by test/ldap/slapd.sh (and by .ci/run). */
export const directoryUrl = process.env.AGORA_LDAP_TEST_URL ?? `ldap://127.0.0.1:${process.env.AGORA_LDAP_TEST_PORT ?? "3389"}`;

/** Where test/ldap/slapd.sh keeps its files, and the TLS material it makes there (a throwaway CA, and a CA that signed nothing). */
const slapdDir = process.env.AGORA_LDAP_TEST_DIR ?? "/tmp/agora-test-slapd";
export const tlsFixture = {
  /** LDAPS beside the StartTLS-capable ldap:// port. */
  ldapsUrl: process.env.AGORA_LDAP_TEST_TLS_URL ?? `ldaps://127.0.0.1:${process.env.AGORA_LDAP_TEST_TLS_PORT ?? "3636"}`,
  caFile: `${slapdDir}/tls/ca.pem`,
  otherCaFile: `${slapdDir}/tls/other-ca.pem`,
};

/** AGORA_LDAP_* for an app that signs people in against ou=people of the test directory. */
export function directoryEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    AGORA_LDAP_URL: directoryUrl,
    AGORA_LDAP_BIND_DN: fixture.serviceDn,
    AGORA_LDAP_BIND_PASSWORD: fixture.servicePassword,
    AGORA_LDAP_BASE_DN: fixture.peopleDn,
    AGORA_LDAP_USER_FILTER: "(&(objectClass=inetOrgPerson)(uid={{username}}))",
    AGORA_LDAP_TIMEOUT: "5",
    ...overrides,
  };
}

async function reachable(): Promise<string> {
  try {
    const client = await openLdapjsDirectory({ urls: [directoryUrl], startTls: false, ca: null, verifyCertificate: true, timeoutMs: 3000, connectTimeoutMs: 3000 });
    try {
      await client.bind(fixture.serviceDn, fixture.servicePassword);
    } finally {
      await client.close();
    }
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

const problem = await reachable();

/**
 * Registers the file's tests when the test directory answers. Otherwise they are skipped with the
 * reason, or fail when AGORA_REQUIRE_LDAP=1 (CI), so a missing slapd never passes silently there.
 */
export function whenDirectoryAnswers(register: () => void) {
  if (!problem) return register();
  const reason = `no test directory at ${directoryUrl} (${problem}): start it with test/ldap/slapd.sh`;
  if (process.env.AGORA_REQUIRE_LDAP === "1") test("the test directory answers (AGORA_REQUIRE_LDAP=1)", (t) => t.fail(reason));
  else test.skip(`LDAP tests skipped: ${reason}`, () => {});
}

/** Stores admin-console settings (group base, admin group, disabled rules...) as the form would. */
export async function storeSettings(app: TestApp, values: Partial<Omit<StoredLdapSettings, "bindPasswordSealed">>) {
  const store = ldapSettingsOf(app.config);
  const { bindPasswordSealed, ...current } = await store.stored();
  await store.save({ ...current, isEnabled: true, ...values }, undefined);
}

type Attributes = Record<string, string | string[]>;

/**
 * A subtree of its own under ou=scratch for a test file that changes the directory (renames, removals),
 * so that files running at the same time never see each other's changes. Written as the root DN.
 */
export async function scratchDirectory() {
  const client = ldap.createClient({ url: [directoryUrl], timeout: 5000, connectTimeout: 3000 });
  client.on("error", () => {});
  const call = (run: (done: (error: Error | null) => void) => void) => new Promise<void>((resolve, reject) => run((error) => (error ? reject(error) : resolve())));
  await call((done) => client.bind(fixture.rootDn, fixture.rootPassword, done));
  const ou = `t${randomBytes(5).toString("hex")}`;
  const base = `ou=${ou},${fixture.scratchDn}`;
  const created: string[] = [];
  const add = async (dn: string, attributes: Attributes) => {
    await call((done) => client.add(dn, attributes, done));
    created.push(dn);
  };
  await add(base, { objectClass: ["top", "organizationalUnit"], ou });
  const person = (uid: string, extra: Attributes = {}) =>
    add(`uid=${uid},${base}`, { objectClass: ["top", "person", "organizationalPerson", "inetOrgPerson"], uid, cn: `Scratch ${uid}`, sn: uid, mail: `${uid}.${ou}@scratch.test`, userPassword: fixture.passwordOf(uid), ...extra });
  return {
    base,
    add,
    person,
    async modify(dn: string, operation: "replace" | "add" | "delete", modification: Attributes) {
      await call((done) => client.modify(dn, new ldap.Change({ operation, modification: new ldap.Attribute({ type: Object.keys(modification)[0], values: [Object.values(modification)[0]].flat() }) }), done));
    },
    async rename(dn: string, newDn: string) {
      await call((done) => client.modifyDN(dn, newDn, done));
      created[created.indexOf(dn)] = newDn;
    },
    async remove(dn: string) {
      await call((done) => client.del(dn, done));
      created.splice(created.indexOf(dn), 1);
    },
    /** Deletes what it made, leaves first. */
    async close() {
      for (const dn of created.reverse()) await call((done) => client.del(dn, done)).catch(() => {});
      await new Promise<void>((resolve) => client.unbind(() => resolve()));
      client.destroy();
    },
  };
}

/** Signs a directory person in through /login with their fixture password; fails the set-up if refused. */
export async function signInFromDirectory(app: TestApp, login: string) {
  const { User } = await import("../../core/models/user.ts");
  const client = app.client();
  await client.get("/login");
  const response = await client.post("/login", { login, password: fixture.passwordOf(login) });
  if (response.status !== 302) throw new Error(`${login} could not sign in: ${response.status}`);
  const user = (await User.findOne({ where: { username: login } }))!;
  return { client, user };
}

/** Points the app's environment settings at one directory connection (URL, StartTLS, CA) and drops the cached settings. */
export function useConnection(app: TestApp, connection: { url: string; startTls: boolean; caFile?: string }) {
  app.config.ldap.urls = [connection.url];
  app.config.ldap.startTls = connection.startTls;
  app.config.ldap.caFile = connection.caFile;
  ldapSettingsOf(app.config).forget();
}

/** The admin console's "test the connection" answer, as HTML, in a language. */
export async function connectionTest(app: TestApp, language = "en") {
  const { client } = await app.signedIn("admin");
  return (await client.post("/admin/ldap/test", {}, { headers: { "accept-language": language } })).text;
}
