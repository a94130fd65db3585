import path from "node:path";
import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { addMember, createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";

// host.members over HTTP through a test module: a group's active members (or the company stream's people, guests
// left out) in name order, narrowed by name, keyset-paged; nothing for someone who may not read the container.
const membersModules = path.resolve(import.meta.dirname, "../fixtures/members-modules");

let app: TestApp;
let owner: Awaited<ReturnType<TestApp["signedIn"]>>;
let secret: CreatedGroup;
const people: Record<string, number> = {};

test.before(async () => {
  app = await startApp({ AGORA_MODULE_PATHS: ["modules", membersModules].join(path.delimiter) });
  const admin = (await app.signedIn("admin", { displayName: "Ada Admin" })).client;
  if ((await admin.post("/admin/modules/groups/enable", { state: "enabled" })).status !== 302) throw new Error("groups not on");
  if ((await admin.post("/admin/modules/fixture-members/enable", { state: "enabled" })).status !== 302) throw new Error("fixture not on");
  owner = await app.signedIn("member", { displayName: "Olga Owner" });
  secret = await createGroup(owner.client, { name: "Secret circle", visibility: "secret" });
  for (const name of ["Émile Zola", "Bruno Brun", "Chloé Chen", "Anna Ahl", "Dora Dormant"]) {
    people[name] = (await app.createUser({ displayName: name })).userId;
    await addMember(secret.id, people[name]);
  }
  people.guest = (await app.createUser({ displayName: "Gus Guest", role: "guest" })).userId;
  await app.app.sequelize.query("UPDATE users SET status = 'disabled' WHERE id = :id", { replacements: { id: people["Dora Dormant"] } });
});
test.after.always(() => app?.close());

type Page = { members: { id: number; name: string; handle: string }[]; next: string | null };
const names = (page: Page) => page.members.map((member) => member.name);

test.serial("a group's active members in name order, a page at a time, with their handles", async (t) => {
  const first = await owner.client.get(`/fixture-members/group/${secret.id}?limit=2`);
  t.is(first.status, 200);
  const page1 = JSON.parse(first.text) as Page;
  t.deepEqual(names(page1), ["Anna Ahl", "Bruno Brun"]);
  const [anna] = page1.members;
  t.is(anna.id, people["Anna Ahl"]);
  t.regex(anna.handle, /^[a-z0-9._-]+$/);
  t.truthy(page1.next);
  // The rest, page by page (where "Émile" sorts depends on the database's collation, so only the set is fixed).
  const pages = [page1];
  while (pages.at(-1)!.next) pages.push(JSON.parse((await owner.client.get(`/fixture-members/group/${secret.id}?limit=2&after=${pages.at(-1)!.next}`)).text) as Page);
  t.deepEqual(pages.map((page) => page.members.length), [2, 2, 1], "keyset pages of 2, the last one without next");
  const all = pages.flatMap(names);
  t.deepEqual([...all].sort(), ["Anna Ahl", "Bruno Brun", "Chloé Chen", "Olga Owner", "Émile Zola"].sort(), "every active member once; not the deactivated Dora");
});

test.serial("a name search ignores case and accents, on the display name and the user name", async (t) => {
  const search = async (q: string) => names(JSON.parse((await owner.client.get(`/fixture-members/group/${secret.id}?q=${encodeURIComponent(q)}`)).text) as Page);
  t.deepEqual(await search("chloe"), ["Chloé Chen"]);
  t.deepEqual(await search("EMILE"), ["Émile Zola"]);
  t.deepEqual(await search("nobody"), []);
  t.deepEqual(await search("dora"), [], "not a deactivated one either");
});

test.serial("nothing for someone who may not read the container; guests are not the company's members", async (t) => {
  const outsider = await app.signedIn("member", { displayName: "Otto Outsider" });
  const hidden = await outsider.client.get(`/fixture-members/group/${secret.id}`);
  t.is(hidden.status, 200);
  t.deepEqual(JSON.parse(hidden.text), { members: [], next: null }, "a secret group's members stay secret");
  t.deepEqual(JSON.parse((await app.client().get(`/fixture-members/group/${secret.id}`)).text), { members: [], next: null }, "nor signed out");
  t.deepEqual(JSON.parse((await owner.client.get("/fixture-members/group/999999")).text), { members: [], next: null }, "an unknown group");
  const company = JSON.parse((await outsider.client.get("/fixture-members/company/0?q=gus")).text) as Page;
  t.deepEqual(names(company), [], "a guest is not listed among the company's people");
  const everyone = JSON.parse((await outsider.client.get("/fixture-members/company/0?limit=100")).text) as Page;
  t.true(names(everyone).includes("Otto Outsider") && names(everyone).includes("Anna Ahl"));
  t.false(names(everyone).includes("Dora Dormant"));
  t.is((await owner.client.get(`/fixture-members/group/${secret.id}?after=not-a-cursor`)).status, 400, "a malformed cursor is a 400");
});
