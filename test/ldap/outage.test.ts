import net from "node:net";
import type { AddressInfo } from "node:net";
import test from "ava";
import { adminAccount, startApp, type TestApp } from "../helpers/app.ts";
import { User } from "../../core/models/user.ts";
import { ldapSettingsOf } from "../../core/auth/ldap/settings.ts";
import { syncDirectory } from "../../core/commands/ldap-sync.ts";
import { directoryEnv, directoryUrl, fixture, whenDirectoryAnswers } from "./helpers.ts";

// A directory that is down or silent: a clear error, the local admin still gets in, failover works.

let app: TestApp;
let silent: net.Server;
let silentUrl = "";
const closedUrl = "ldap://127.0.0.1:1";

/** Servers are set through the environment here: the test swaps the URL list the app reads. */
function useServers(...urls: string[]) {
  app.config.ldap.urls = urls;
  ldapSettingsOf(app.config).forget();
}

async function signIn(login: string, password: string) {
  const client = app.client();
  await client.get("/login");
  return client.post("/login", { login, password });
}

whenDirectoryAnswers(() => {
  test.before(async () => {
    // Accepts connections and never answers: a hung directory.
    silent = net.createServer((socket) => socket.on("error", () => {}));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentUrl = `ldap://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    app = await startApp(directoryEnv({ AGORA_LDAP_TIMEOUT: "1" }));
  });
  test.after.always(async () => {
    await app?.close();
    silent?.close();
  });

  test.serial("an unreachable directory: a clear 503 page, the local admin still signs in", async (t) => {
    useServers(closedUrl);
    const refused = await signIn("bob", fixture.passwordOf("bob"));
    t.is(refused.status, 503);
    t.regex(refused.text, /The company directory cannot be reached right now/);
    t.is((await signIn(adminAccount.email, adminAccount.password)).status, 302);
    const report = await syncDirectory(app.app);
    t.is(report.failure?.kind, "unreachable");
    t.is(report.created, 0);
  });

  test.serial("a directory that accepts the connection and says nothing times out, within the timeout", async (t) => {
    useServers(silentUrl);
    const started = Date.now();
    const refused = await signIn("bob", fixture.passwordOf("bob"));
    t.is(refused.status, 503);
    t.true(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
    t.is((await signIn(adminAccount.email, adminAccount.password)).status, 302);
    t.is((await syncDirectory(app.app)).failure?.kind, "timeout");
  });

  test.serial("failover: the first URL is down, the second answers", async (t) => {
    useServers(closedUrl, directoryUrl);
    t.is((await signIn("bob", fixture.passwordOf("bob"))).status, 302);
    t.is((await User.findOne({ where: { username: "bob" } }))?.authSource, "ldap");
  });

  test.serial("a wrong service account password is a directory problem, not the user's", async (t) => {
    useServers(directoryUrl);
    app.config.ldap.bindPassword = "not-the-service-password";
    ldapSettingsOf(app.config).forget();
    try {
      t.is((await signIn("bob", fixture.passwordOf("bob"))).status, 503);
      t.is((await syncDirectory(app.app)).failure?.kind, "invalidCredentials");
    } finally {
      app.config.ldap.bindPassword = fixture.servicePassword;
      ldapSettingsOf(app.config).forget();
    }
  });
});
