import test from "ava";
import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { Client } from "../../../test/helpers/client.ts";
import { waitUntil } from "../../../test/notifications/helpers.ts";
import { freshInstance, seedAccounts, startServer, type Instance, type RunningServer } from "../../../test/ops/processes.ts";
import { davRequest, lockinfo, tokenOf, type DavPerson } from "./webdav-helpers.ts";

// Two real server processes on one database (SQLite file or PostgreSQL): WebDAV locks asked of both at the same
// moment are granted as if by one process; failed app-password sign-ins are counted across both (Redis).

const password = "correct-horse-battery";
const admin = { AGORA_ADMIN_EMAIL: "dav-admin@example.test", AGORA_ADMIN_PASSWORD: "dav-admin-password", AGORA_ADMIN_NAME: "Dav Admin" };

const instances: Instance[] = [];
const servers: RunningServer[] = [];
test.after.always(async () => {
  for (const server of servers) if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  for (const instance of instances) await instance.remove();
});

/**
 * Redis on 127.0.0.1:6379, as CI runs it: the limiter test needs it, and only without it is that test skipped.
 * Asked synchronously (ava wants every test declared at once): a one-line node that connects or fails.
 */
const hasRedis =
  spawnSync(process.execPath, ["-e", "require('node:net').connect(6379, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"], { timeout: 3000 }).status === 0;

/** Two processes on one fresh database, a group with documents on, its owner with an app password. */
async function twoProcesses(extra: Record<string, string> = {}) {
  const instance = await freshInstance({ ...admin, ...extra });
  instances.push(instance);
  const [account] = await seedAccounts(instance.env, ["olivia"], password);
  const one = await startServer(instance.env);
  servers.push(one);
  const two = await startServer(instance.env);
  servers.push(two);
  const siteAdmin = new Client(one.url);
  await siteAdmin.login(admin.AGORA_ADMIN_EMAIL, admin.AGORA_ADMIN_PASSWORD);
  for (const id of ["groups", "documents"]) if ((await siteAdmin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(id);
  const client = new Client(one.url);
  await client.login(account.email, password);
  // The group made through its form (this process holds no database connection).
  const made = await client.post("/groups/new", { name: "Shared Drive", visibility: "private", description: "", tags: "" });
  const slug = /^\/g\/([a-z0-9-]+)$/.exec(made.location)?.[1];
  if (!slug) throw new Error(`group: ${made.status}`);
  const group = { slug, url: `/g/${slug}` };
  if ((await client.post(`${group.url}/modules/documents`, { state: "enabled" })).status !== 302) throw new Error("switch");
  const created = await client.post("/documents/app-passwords", { name: "two processes" });
  const token = /<code class="documents-token">([A-Za-z0-9_-]{43})<\/code>/.exec(created.text)?.[1];
  if (!token) throw new Error("no app password");
  const owner: Pick<DavPerson, "username" | "token"> = { username: account.username, token };
  // The other process reads the module switches every few seconds.
  let seen = 0;
  await waitUntil(async () => (seen = (await davRequest(two.url, "PROPFIND", `/dav/documents/${group.slug}/`, owner, { depth: "0" })).status) === 207, "the second process sees the documents", 30_000).catch((error: Error) => {
    throw new Error(`${error.message} (last answer ${seen})`);
  });
  return { one, two, owner, account, base: `/dav/documents/${group.slug}` };
}

test.serial("a folder's depth-infinity lock and a lock on a file in it, asked of two processes at once: never both granted", async (t) => {
  t.timeout(180_000);
  const { one, two, owner, base } = await twoProcesses();
  const rounds = 25;
  const outcomes: string[] = [];
  for (let round = 0; round < rounds; round += 1) {
    t.is((await davRequest(one.url, "MKCOL", `${base}/F${round}`, owner)).status, 201);
    t.is((await davRequest(one.url, "PUT", `${base}/F${round}/x.txt`, owner, {}, "x")).status, 201);
    // Each process gets one of the two requests (which one alternates), sent together.
    const [folderServer, fileServer] = round % 2 ? [one, two] : [two, one];
    const [folder, file] = await Promise.all([
      davRequest(folderServer.url, "LOCK", `${base}/F${round}/`, owner, { depth: "infinity" }, lockinfo()),
      davRequest(fileServer.url, "LOCK", `${base}/F${round}/x.txt`, owner, { depth: "0" }, lockinfo()),
    ]);
    outcomes.push(`${folder.status}/${file.status}`);
    t.true([folder.status, file.status].includes(200) && [folder.status, file.status].includes(423), `round ${round}: exactly one lock granted, the other 423 (${folder.status}/${file.status})`);
    // The granted lock holds on both processes.
    const granted = folder.status === 200 ? folder : file;
    t.is((await davRequest(one.url, "PUT", `${base}/F${round}/x.txt`, owner, {}, "no token")).status, 423);
    t.is((await davRequest(two.url, "PUT", `${base}/F${round}/x.txt`, owner, { if: `(<${tokenOf(granted)}>)` }, "with it")).status, 204);
  }
  t.log(outcomes.join(" "));
});

const redisTest = hasRedis ? test.serial : test.serial.skip;
redisTest("failed app-password sign-ins are counted across processes (Redis): per user name and per address, apart from the sign-in form", async (t) => {
  t.timeout(120_000);
  const prefix = `agora-dav-${randomBytes(6).toString("hex")}:`;
  const { one, two, owner, account, base } = await twoProcesses({
    AGORA_REDIS_URL: "redis://127.0.0.1:6379",
    AGORA_REDIS_PREFIX: prefix,
    AGORA_LOGIN_ATTEMPTS_PER_ACCOUNT: "6",
    AGORA_LOGIN_ATTEMPTS_PER_IP: "10",
  });
  const wrong = { username: owner.username, token: "w".repeat(43) };
  const propfind = (url: string, who: Pick<DavPerson, "username" | "token">) => davRequest(url, "PROPFIND", `${base}/`, who, { depth: "0" });

  // Six failures for one user name, three on each process: the limit of six is reached on both.
  for (const server of [one, two, one, two, one]) t.is((await propfind(server.url, wrong)).status, 401);
  t.is((await propfind(two.url, owner)).status, 207, "five failures: still in");
  t.is((await propfind(two.url, wrong)).status, 401);
  for (const server of [one, two]) {
    const limited = await propfind(server.url, owner);
    t.is(limited.status, 429, "the right app password waits too, on either process");
    t.true(Number(limited.headers.get("retry-after")) > 0);
  }
  // The sign-in form counts apart: the person still signs in on the web.
  const web = new Client(two.url);
  await t.notThrowsAsync(web.login(account.email, password));

  // Per address: four more failures under other names (ten in all from this address) stop everyone there.
  const stranger = (name: string) => ({ username: name, token: "s".repeat(43) });
  for (const [server, name] of [[one, "nobody-1"], [two, "nobody-2"], [one, "nobody-3"]] as const) t.is((await propfind(server.url, stranger(name))).status, 401);
  t.is((await propfind(one.url, stranger("nobody-4"))).status, 401, "the tenth failure");
  t.is((await propfind(two.url, stranger("nobody-5"))).status, 429, "the address waits, on the other process too");
});
