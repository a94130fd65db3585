import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { usernameOf } from "../../../test/helpers/content.ts";
import { createGroup, groupRow } from "./helpers.ts";

// A group's description: Markdown on its pages, plain text (escaped once, by the template) on its directory card.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

test.serial("a description with @mentions creates a group and saves in its settings", async (t) => {
  const owner = await app.signedIn("member");
  const colleague = await usernameOf((await app.createUser()).userId);
  const created = await owner.client.post("/groups/new", { name: "Mention team", visibility: "open", description: `Ask @${colleague} or @nobody-here`, tags: "" });
  t.is(created.status, 302, "not a 500");
  const group = await createGroup(owner.client, { name: "Mention team two", visibility: "open", description: "plain" });
  const saved = await owner.client.post(`${group.url}/settings`, { name: "Mention team two", slug: group.slug, visibility: "open", description: `Hello @${colleague} and @ghost`, tags: "" });
  t.is(saved.status, 302, "not a 500");
  const row = await groupRow(group.id);
  t.is(row.description, `Hello @${colleague} and @ghost`);
  t.is(row.summary, `Hello @${colleague} and @ghost`);
  const about = await owner.client.get(`${group.url}/about`);
  t.true(about.text.includes(`Hello @${colleague}`), "the about page shows the description");
});

test.serial("the directory shows a description's characters escaped once, as written", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Research bench", visibility: "open", description: "R&D <team> & **friends**" });
  t.is((await groupRow(group.id)).summary, "R&D <team> & friends", "the summary is text, not HTML");
  const page = await owner.client.get("/groups?q=Research");
  t.true(page.text.includes("R&amp;D &lt;team&gt; &amp; friends"), "the user reads R&D <team> & friends");
  t.false(page.text.includes("&amp;amp;"), "not escaped twice");
  t.false(page.text.includes("&amp;lt;"), "not escaped twice");
  t.false(page.text.includes("<team>"), "no raw tag");
});

test.serial("the migration turns summaries stored escaped into plain text", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Old summary", visibility: "open", description: "R&D <team>" });
  const row = await groupRow(group.id);
  await row.update({ summary: "R&amp;D &lt;team&gt;" });
  const { up } = await import("../migrations/20261205000000-plain-summaries.ts");
  await up(app.app.sequelize.getQueryInterface());
  t.is((await groupRow(group.id)).summary, "R&D <team>");
});
