import { existsSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import test from "ava";
import ldap from "ldapjs";
import { startApp, type TestApp } from "../helpers/app.ts";
import { User } from "../../core/models/user.ts";
import { DirectoryAccount } from "../../core/auth/ldap/directory-account.ts";
import { connectionTest, directoryEnv, directoryUrl, fixture, useConnection, tlsFixture, whenDirectoryAnswers } from "./helpers.ts";

// Secure connections that must fail, and say why to the admin: a certificate that does not name the
// address used (the test slapd reached through 127.0.0.2, which its certificate does not carry), and
// servers that will not do StartTLS (an LDAP server that answers it with an error, a TCP server that
// hangs up). Each time: sign-in refused before a password is sent, nothing created.

const startTlsOid = "1.3.6.1.4.1.1466.20037";
/** 127/8 is all loopback on Linux, but the test certificate names only 127.0.0.1 and localhost. */
const uncoveredAddress = "127.0.0.2";

let app: TestApp;
const closers: (() => Promise<void>)[] = [];

test.before(async () => {
  app = await startApp({ ...directoryEnv(), AGORA_LOGIN_ATTEMPTS_PER_IP: "1000", AGORA_LOGIN_ATTEMPTS_PER_ACCOUNT: "1000" });
});
test.after.always(async () => {
  for (const close of closers) await close();
  await app?.close();
});

/** The connection the app uses, set as AGORA_LDAP_* would (the environment wins over the console). */
/** A directory person's sign-in through /login: refused with the "directory unreachable" page, and no account or link made. */
async function assertSignInRefused(t: import("ava").ExecutionContext, login: string) {
  const [users, links] = [await User.count(), await DirectoryAccount.count()];
  const client = app.client();
  await client.get("/login");
  const response = await client.post("/login", { login, password: fixture.passwordOf(login) });
  t.is(response.status, 503);
  t.regex(response.text, /The company directory cannot be reached right now/);
  t.is(await User.count(), users, "no account was created");
  t.is(await DirectoryAccount.count(), links, "no directory link was created");
  t.is(await User.count({ where: { username: login } }), 0);
}

/** Listens on a random port of `host` and remembers to close; returns the port. */
async function listen(server: net.Server, host = "127.0.0.1"): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** A TCP relay from a random port on `host` to the test slapd's port: same server, same certificate, another address. */
async function relayTo(port: number, host: string): Promise<number> {
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((incoming) => {
    const outgoing = net.connect(port, "127.0.0.1");
    for (const socket of [incoming, outgoing]) {
      sockets.add(socket);
      socket.on("error", () => socket.destroy());
      socket.on("close", () => sockets.delete(socket));
    }
    incoming.pipe(outgoing).pipe(incoming);
  });
  closers.push(async () => sockets.forEach((socket) => socket.destroy()));
  return listen(relay, host);
}

test.serial("an LDAP server that answers StartTLS with an error: refused, nothing created, the admin test says so (en, fr)", async (t) => {
  const server = ldap.createServer();
  let startTlsAsked = 0;
  server.exop(startTlsOid, (_request: unknown, _response: unknown, next: (error: unknown) => void) => {
    startTlsAsked += 1;
    // What a directory with no certificate for this port answers: an LDAP error, not a handshake.
    next(new ldap.ProtocolError("unsupported extended operation"));
  });
  let binds = 0;
  server.bind("", (_request: unknown, _response: unknown, next: (error: unknown) => void) => {
    binds += 1;
    next(new ldap.InvalidCredentialsError());
  });
  const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve(Number(new URL(server.url).port))));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));

  useConnection(app, { url: `ldap://127.0.0.1:${port}`, startTls: true });
  await assertSignInRefused(t, "jsmith");
  t.true(startTlsAsked > 0, "StartTLS was asked for");
  t.is(binds, 0, "no password was sent in the clear");
  const page = await connectionTest(app);
  t.regex(page, /The server refused StartTLS/);
  t.regex(page, /The server said: <code>ldap:\/\/127\.0\.0\.1:\d+: Protocol Error/, "the server's own words beside");
  t.regex(await connectionTest(app, "fr"), /Le serveur a refusé StartTLS/);
  t.is(binds, 0);
});

test.serial("a server that hangs up on StartTLS: refused, nothing created, the admin test names StartTLS", async (t) => {
  let received = 0;
  const hangsUp = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => {
      received += 1;
      socket.destroy();
    });
  });
  const port = await listen(hangsUp);

  useConnection(app, { url: `ldap://127.0.0.1:${port}`, startTls: true });
  await assertSignInRefused(t, "lilei");
  t.true(received > 0, "the StartTLS request reached the server");
  t.regex(await connectionTest(app), /The server hung up when asked for StartTLS/);
  t.regex(await connectionTest(app, "fr"), /Le serveur a coupé la connexion à la demande de StartTLS/);
});

whenDirectoryAnswers(() => {
  if (!existsSync(tlsFixture.caFile)) {
    const reason = `no test CA at ${tlsFixture.caFile}: start the directory with test/ldap/slapd.sh`;
    if (process.env.AGORA_REQUIRE_LDAP === "1") test("the test directory offers TLS (AGORA_REQUIRE_LDAP=1)", (t) => t.fail(reason));
    else test.skip(`TLS failure tests skipped: ${reason}`, () => {});
    return;
  }
  const portOf = (url: string) => Number(new URL(url).port);
  for (const [how, slapdUrl, scheme, startTls] of [
    ["LDAPS", tlsFixture.ldapsUrl, "ldaps", false],
    ["StartTLS", directoryUrl, "ldap", true],
  ] as const) {
    test.serial(`${how} by an address the certificate does not name, with the right CA: refused, nothing created, the test says which host (en, fr)`, async (t) => {
      // The same relay on the address the certificate carries connects: only the host name is wrong.
      useConnection(app, { url: `${scheme}://127.0.0.1:${await relayTo(portOf(slapdUrl), "127.0.0.1")}`, startTls, caFile: tlsFixture.caFile });
      t.regex(await connectionTest(app), /Connected and signed in as the service account/);

      const url = `${scheme}://${uncoveredAddress}:${await relayTo(portOf(slapdUrl), uncoveredAddress)}`;

      useConnection(app, { url, startTls, caFile: tlsFixture.caFile });
      await assertSignInRefused(t, "zplus");
      const page = await connectionTest(app);
      t.regex(page, /certificate is for another host name\. Use in the URL the name \(or IP address\) the certificate was issued for/);
      t.regex(page, /The server said: <code>[^<]*IP: 127\.0\.0\.2 is not in the cert&#39;s list: 127\.0\.0\.1/, "Node's words name the address and what the certificate covers");
      t.regex(await connectionTest(app, "fr"), /le certificat du serveur est émis pour un autre nom d’hôte/);
    });
  }
});
