import test from "ava";
import { Client } from "../../../test/helpers/client.ts";
import { waitUntil } from "../../../test/notifications/helpers.ts";
import { freshInstance, seedAccounts, startServer, type Instance, type RunningServer } from "../../../test/ops/processes.ts";
import { davRequest, lockinfo, tokenOf, type DavPerson } from "./webdav-helpers.ts";

// Two real server processes on one database (SQLite file or PostgreSQL): WebDAV locks asked of both at the same
// moment are granted as if by one process.

const password = "correct-horse-battery";
const admin = { AGORA_ADMIN_EMAIL: "dav-admin@example.test", AGORA_ADMIN_PASSWORD: "dav-admin-password", AGORA_ADMIN_NAME: "Dav Admin" };

let instance: Instance | null = null;
const servers: RunningServer[] = [];
test.after.always(async () => {
  for (const server of servers) if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  await instance?.remove();
});

/** Two processes on one fresh database, a group with documents on, its owner with an app password. */
async function twoProcesses(extra: Record<string, string> = {}) {
  instance = await freshInstance({ ...admin, ...extra });
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
  await waitUntil(async () => (await davRequest(two.url, "PROPFIND", `/dav/documents/${group.slug}/`, owner, { depth: "0" })).status === 207, "the second process sees the documents");
  return { one, two, owner, base: `/dav/documents/${group.slug}` };
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
