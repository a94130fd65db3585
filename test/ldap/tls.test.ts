import { existsSync } from "node:fs";
import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { User } from "../../core/models/user.ts";
import { DirectoryAccount } from "../../core/auth/ldap/directory-account.ts";
import { connectionTest, directoryEnv, directoryUrl, fixture, useConnection, storeSettings, tlsFixture, whenDirectoryAnswers } from "./helpers.ts";

// StartTLS and LDAPS against the test slapd, which test/ldap/slapd.sh serves under a throwaway CA:
// trusted through the CA file, the sign-in works; any other CA, or none, and the connection is refused
// before a password is sent, no account is made, and the admin's connection test says why.

let app: TestApp;

/** The connection the app uses, set as AGORA_LDAP_* would (the environment wins over the console). */
async function signIn(login: string) {
  const client = app.client();
  await client.get("/login");
  return { client, response: await client.post("/login", { login, password: fixture.passwordOf(login) }) };
}

const accountCount = () => User.count({ where: { authSource: "ldap" } });

whenDirectoryAnswers(() => {
  if (!existsSync(tlsFixture.caFile)) {
    const reason = `no test CA at ${tlsFixture.caFile}: start the directory with test/ldap/slapd.sh`;
    if (process.env.AGORA_REQUIRE_LDAP === "1") test("the test directory offers TLS (AGORA_REQUIRE_LDAP=1)", (t) => t.fail(reason));
    else test.skip(`TLS tests skipped: ${reason}`, () => {});
    return;
  }
  test.before(async () => {
    app = await startApp({ ...directoryEnv(), AGORA_LOGIN_ATTEMPTS_PER_IP: "1000", AGORA_LOGIN_ATTEMPTS_PER_ACCOUNT: "1000" });
  });
  test.after.always(async () => {
    await app?.close();
  });

  test.serial("StartTLS on ldap:// trusting the CA file: jose signs in, and the admin's test connects", async (t) => {
    useConnection(app, { url: directoryUrl, startTls: true, caFile: tlsFixture.caFile });
    const { client, response } = await signIn("jose");
    t.is(response.status, 302, response.text.slice(0, 300));
    t.regex((await client.get("/")).text, /José Núñez/);
    t.is((await User.findOne({ where: { username: "jose" } }))?.authSource, "ldap");
    t.regex(await connectionTest(app), /Connected and signed in as the service account/);
  });

  test.serial("LDAPS trusting the CA file: dmitry signs in", async (t) => {
    useConnection(app, { url: tlsFixture.ldapsUrl, startTls: false, caFile: tlsFixture.caFile });
    const { response } = await signIn("dmitry");
    t.is(response.status, 302, response.text.slice(0, 300));
    t.is((await User.findOne({ where: { username: "dmitry" } }))?.displayName, "Дмитрий Иванов");
    t.regex(await connectionTest(app), /Connected and signed in as the service account/);
  });

  test.serial("a name the certificate carries (localhost) is accepted too", async (t) => {
    useConnection(app, { url: tlsFixture.ldapsUrl.replace("127.0.0.1", "localhost"), startTls: false, caFile: tlsFixture.caFile });
    t.regex(await connectionTest(app), /Connected and signed in as the service account/);
  });

  for (const [how, connection] of [
    ["StartTLS", () => ({ url: directoryUrl, startTls: true })],
    ["LDAPS", () => ({ url: tlsFixture.ldapsUrl, startTls: false })],
  ] as const) {
    test.serial(`${how} with a CA that did not sign the server's certificate: refused, no account, the test says why (en, fr)`, async (t) => {
      useConnection(app, { ...connection(), caFile: tlsFixture.otherCaFile });
      const before = await accountCount();
      const { response } = await signIn("jsmith");
      t.is(response.status, 503);
      t.regex(response.text, /The company directory cannot be reached right now/);
      t.is(await accountCount(), before, "no account was created");
      t.is(await User.count({ where: { username: "jsmith" } }), 0);
      const page = await connectionTest(app);
      t.regex(page, /certificate is not signed by the CA in the CA file/);
      t.regex(page, /self.signed certificate in certificate chain|unable to verify the first certificate|unable to get local issuer certificate/i, "the server's own words beside");
      t.regex(await connectionTest(app, "fr"), /n’est pas signé par l’autorité de certification du fichier indiqué/);
    });

    test.serial(`${how} with no CA file and checking on: refused, no account, the test asks for the CA file`, async (t) => {
      useConnection(app, { ...connection(), caFile: undefined });
      const before = await DirectoryAccount.count();
      t.is((await signIn("zplus")).response.status, 503);
      t.is(await DirectoryAccount.count(), before, "no account was created");
      t.regex(await connectionTest(app), /signed by a CA this machine does not trust\. Set the CA file/);
      t.regex(await connectionTest(app, "fr"), /Indiquez le fichier du certificat PEM/);
    });
  }

  test.serial("checking turned off (a trial setup): the same server is accepted without its CA", async (t) => {
    useConnection(app, { url: tlsFixture.ldapsUrl, startTls: false });
    await storeSettings(app, { verifyCertificate: false });
    try {
      t.regex(await connectionTest(app), /Connected and signed in as the service account/);
    } finally {
      await storeSettings(app, { verifyCertificate: true });
    }
  });

  test.serial("a CA file that cannot be read, and ldaps:// on the plain LDAP port, are said in plain words", async (t) => {
    useConnection(app, { url: tlsFixture.ldapsUrl, startTls: false, caFile: "/nonexistent/ca.pem" });
    t.regex(await connectionTest(app), /The CA file cannot be used/);
    t.is((await signIn("lilei")).response.status, 503);
    t.is(await User.count({ where: { username: "lilei" } }), 0);
    useConnection(app, { url: directoryUrl.replace("ldap:", "ldaps:"), startTls: false, caFile: tlsFixture.caFile });
    t.regex(await connectionTest(app), /does not speak TLS, or hung up during the handshake/);
  });
});
