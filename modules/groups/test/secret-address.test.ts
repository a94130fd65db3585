import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { createGroup, groupRow } from "./helpers.ts";

// Creating a group tells nobody that a secret group exists: not by "taken", not by "-2".
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

test.serial("a secret group's address has a random tail; the same name or address is free for everyone else", async (t) => {
  const insider = await app.signedIn("member");
  const secret = await createGroup(insider.client, { name: "Project Falcon", visibility: "secret" });
  t.regex(secret.slug, /^project-falcon-[a-z0-9]{10}$/, "made from the name, plus a random tail");
  const chosen = await createGroup(insider.client, { name: "Falcon deal", visibility: "secret", slug: "falcon-deal" });
  t.regex(chosen.slug, /^falcon-deal-[a-z0-9]{10}$/, "a chosen address gets the tail too");

  const outsider = await app.signedIn("member");
  const same = await createGroup(outsider.client, { name: "Project Falcon", visibility: "open" });
  t.is(same.slug, "project-falcon", "as if no secret group had the name: no '-2'");
  const sameAddress = await outsider.client.post("/groups/new", { name: "Anything", slug: "falcon-deal", visibility: "private", description: "", tags: "" });
  t.is(sameAddress.status, 302, "the address the secret group's owner typed is not taken");
  t.is(sameAddress.location, "/g/falcon-deal");
  t.is((await outsider.client.get(secret.url)).status, 404);
  t.is((await insider.client.get(secret.url)).status, 200, "its members use it");
});

test.serial("a taken address answers one neutral message, and a free name gets the same address whoever holds similar ones", async (t) => {
  const owner = await app.signedIn("member");
  const open = await createGroup(owner.client, { name: "Shared name", visibility: "open" });
  const refused = await owner.client.post("/groups/new", { name: "Other", slug: open.slug, visibility: "open", description: "", tags: "" });
  t.is(refused.status, 422);
  t.regex(refused.text, /This address is not available/);
  t.false(refused.text.includes("Another group"), "says nothing about who holds it");
  t.is((await createGroup(owner.client, { name: "Shared name", visibility: "private" })).slug, "shared-name-2", "a visible holder: the next number, as before");
});

test.serial("a group made secret in its settings gets a tail; its old address and name are free again", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Going dark", visibility: "open" });
  const saved = await owner.client.post(`${group.url}/settings`, { name: "Going dark", slug: group.slug, visibility: "secret", description: "", tags: "" });
  t.is(saved.status, 302);
  const row = await groupRow(group.id);
  t.regex(row.slug, /^going-dark-[a-z0-9]{10}$/);
  t.is(saved.location, `/g/${row.slug}/settings`, "the owner lands on the new address");
  const again = await owner.client.post(`/g/${row.slug}/settings`, { name: "Going dark", slug: row.slug, visibility: "secret", description: "changed", tags: "" });
  t.is(again.status, 302);
  t.is((await groupRow(group.id)).slug, row.slug, "saving a secret group again keeps its address");
  const outsider = await app.signedIn("member");
  t.is((await createGroup(outsider.client, { name: "Going dark", visibility: "open" })).slug, "going-dark");
});

test.serial("groups created at once with one name each get an address", async (t) => {
  const people = await Promise.all([app.signedIn("member"), app.signedIn("member"), app.signedIn("member")]);
  const responses = await Promise.all(people.map((person) => person.client.post("/groups/new", { name: "Rush hour", visibility: "open", description: "", tags: "" })));
  t.deepEqual(responses.map((response) => response.status), [302, 302, 302], "nobody is told about an address they did not choose");
  t.deepEqual(responses.map((response) => response.location).sort(), ["/g/rush-hour", "/g/rush-hour-2", "/g/rush-hour-3"]);
});

test.serial("the upgrade gives existing secret groups a random tail", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Old vault", visibility: "secret" });
  await (await groupRow(group.id)).update({ slug: "old-vault" });
  const visible = await createGroup(owner.client, { name: "Old square", visibility: "open" });
  const { up } = await import("../migrations/20261205010000-secret-slugs.ts");
  await up(app.app.sequelize.getQueryInterface());
  t.regex((await groupRow(group.id)).slug, /^old-vault-[a-z0-9]{10}$/);
  t.is((await groupRow(visible.id)).slug, "old-square", "visible groups keep theirs");
});
