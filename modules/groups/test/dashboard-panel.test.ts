import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { addMember, createGroup } from "./helpers.ts";

// "Your groups" on the dashboard: the reader's own groups (secret ones included, since they are members),
// never someone else's, archived ones left out, a link to all of them past eight; gone with the module.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const panel = (html: string) => /<nav class="dashboard-panel" aria-label="([^"]*)">([\s\S]*?)<\/nav>/.exec(html);

test.serial("the dashboard lists the reader's groups, and only theirs", async (t) => {
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const secret = await createGroup(owner.client, { name: "Zeta secret circle", visibility: "secret" });
  const open = await createGroup(owner.client, { name: "Alpha open club", visibility: "open" });
  await createGroup(owner.client, { name: "Beta not joined", visibility: "open" });
  for (const group of [secret, open]) await addMember(group.id, reader.userId);

  const found = panel((await reader.client.get("/")).text);
  t.truthy(found, "the reader has a groups panel");
  t.is(found![1], "Your groups");
  t.deepEqual([...found![2].matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((match) => [match[1], match[2]]), [
    [open.url, "Alpha open club"],
    [secret.url, "Zeta secret circle"],
  ]);
  t.is(panel((await outsider.client.get("/")).text), null, "someone in no group gets no panel, and no hint of others' groups");
  const french = await app.signedIn("member");
  await addMember(open.id, french.userId);
  await app.app.sequelize.query("UPDATE users SET language = 'fr' WHERE id = :id", { replacements: { id: french.userId } });
  t.is(panel((await french.client.get("/")).text)![1], "Vos groupes");
});

test.serial("past eight groups, a link to all of them; archived groups are left out", async (t) => {
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const groups = [];
  for (let index = 0; index < 10; index += 1) groups.push(await createGroup(owner.client, { name: `Crew ${String(index).padStart(2, "0")}`, visibility: "open" }));
  for (const group of groups) await addMember(group.id, reader.userId);
  await app.app.sequelize.query("UPDATE groups SET is_archived = :archived WHERE id = :id", { replacements: { archived: true, id: groups[0].id } });
  const html = panel((await reader.client.get("/")).text)![2];
  t.false(html.includes("Crew 00"), "archived group not listed");
  t.true(html.includes("Crew 01") && html.includes("Crew 08"));
  t.false(html.includes("Crew 09"), "only eight listed");
  t.true(html.includes('href="/groups?scope=mine"'));
});

test.serial("with the groups module off, no panel", async (t) => {
  const siteAdmin = (await app.signedIn("admin")).client;
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Panel club", visibility: "open" });
  t.truthy(panel((await owner.client.get("/")).text));
  t.is((await siteAdmin.post("/admin/modules/groups/disable")).status, 302);
  try {
    t.is(panel((await owner.client.get("/")).text), null);
  } finally {
    await siteAdmin.post("/admin/modules/groups/enable", { state: "enabled" });
  }
});
