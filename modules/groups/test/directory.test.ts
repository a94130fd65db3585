import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { createGroup } from "./helpers.ts";

// The directory (search, category, my groups, paging) and the instance admin's groups settings.
let app: TestApp;
let admin: Client;
let member: { client: Client; userId: number };
test.before(async () => {
  app = await startApp();
  admin = (await app.signedIn("admin")).client;
  member = await app.signedIn("member");
});
test.after.always(() => app?.close());

const listed = (html: string) => [...html.matchAll(/data-group="([a-z0-9-]+)"/g)].map((match) => match[1]);

test.serial("search by name or tag, filter by category, and 'my groups'", async (t) => {
  const { GroupCategory } = await import("../models/category.ts");
  const project = (await GroupCategory.findOne({ where: { slug: "project" } }))!;
  const creator = await app.signedIn("member");
  await createGroup(creator.client, { name: "Apollo launch", visibility: "open", tags: "space, rockets", description: "To the **Moon** and back." });
  const club = await createGroup(member.client, { name: "Chess club", visibility: "open" });
  await creator.client.post("/groups/new", { name: "Hermes delivery", visibility: "private", categoryId: String(project.id), description: "", tags: "" });

  t.deepEqual(listed((await member.client.get("/groups?q=APOLLO")).text), ["apollo-launch"]);
  t.deepEqual(listed((await member.client.get("/groups?q=rockets")).text), ["apollo-launch"], "tags are searched");
  t.regex((await member.client.get("/groups?q=apollo")).text, /<p class="muted group-excerpt">To the Moon and back.<\/p>/, "the card shows the description as plain text");
  t.deepEqual(listed((await member.client.get("/groups?q=%25")).text), [], "wildcards are taken literally");
  t.deepEqual(listed((await member.client.get(`/groups?category=${project.id}`)).text), ["hermes-delivery"]);
  t.deepEqual(listed((await member.client.get("/groups?scope=mine")).text), [club.slug]);
  t.regex((await member.client.get("/groups")).text, /Project/, "category names are shown translated");
  t.regex((await member.client.get("/groups", { "accept-language": "fr" })).text, /Projet/);
});

test.serial("the directory pages by keyset without repeating or skipping a group", async (t) => {
  for (let index = 0; index < 45; index += 1) await createGroup(admin, { name: `Paging ${String(index).padStart(2, "0")}`, visibility: "open" });
  const seen: string[] = [];
  let url: string | null = "/groups?q=paging";
  for (let pages = 0; url && pages < 10; pages += 1) {
    const page = await member.client.get(url);
    t.is(page.status, 200);
    seen.push(...listed(page.text));
    url = /<a class="button" href="([^"]+)">More groups<\/a>/.exec(page.text)?.[1]?.replace(/&amp;/g, "&") ?? null;
  }
  t.is(seen.length, 45);
  t.is(new Set(seen).size, 45);
  t.deepEqual(seen, [...seen].sort());
  t.is((await member.client.get("/groups?after=garbage")).status, 400);
  t.is((await member.client.get("/groups?scope=everything")).status, 400);
});

test.serial("only admins, or everyone, create groups; members may then request one", async (t) => {
  t.is((await member.client.get("/admin/groups")).status, 403);
  t.is((await member.client.post("/admin/groups/settings", { creationPolicy: "everyone" })).status, 403);
  t.is((await admin.post("/admin/groups/settings", { creationPolicy: "nobody" })).status, 422);
  t.is((await admin.post("/admin/groups/settings", { creationPolicy: "admins" })).status, 302);

  const form = await member.client.get("/groups/new");
  t.regex(form.text, /action="\/groups\/proposals"/);
  t.is((await member.client.post("/groups/new", { name: "Sneaky", visibility: "open" })).status, 403);
  t.is((await member.client.post("/groups/proposals", { name: "Cycling team", visibility: "open", reason: "We ride on Sundays" })).status, 302);
  const page = await admin.get("/admin/groups");
  t.regex(page.text, /Cycling team/);
  t.regex(page.text, /We ride on Sundays/);
  const { GroupProposal } = await import("../models/request.ts");
  const proposal = (await GroupProposal.findOne({ where: { name: "Cycling team" } }))!;
  t.is((await admin.post(`/admin/groups/proposals/${proposal.id}/approve`)).status, 302);
  const { Group } = await import("../models/group.ts");
  const { GroupMembership } = await import("../models/membership.ts");
  const created = (await Group.findOne({ where: { name: "Cycling team" } }))!;
  t.is((await GroupMembership.findOne({ where: { groupId: created.id, userId: member.userId } }))?.role, "owner", "the requester owns it");
  t.is(await GroupProposal.count(), 0);

  t.is((await admin.post("/admin/groups/settings", { creationPolicy: "everyone" })).status, 302);
  t.regex((await member.client.get("/groups/new")).text, /action="\/groups\/new"/);
});

test.serial("the create form refuses bad input with the reason, keeping what was typed", async (t) => {
  const empty = await member.client.post("/groups/new", { name: "", visibility: "open", description: "Kept text" });
  t.is(empty.status, 422);
  t.true(empty.text.includes("Kept text"));
  t.is((await member.client.post("/groups/new", { name: "Fine name", visibility: "everyone" })).status, 422);
  t.is((await member.client.post("/groups/new", { name: "Fine name", visibility: "open", slug: "Bad Slug!" })).status, 422);
  t.is((await member.client.post("/groups/new", { name: "Fine name", visibility: "open", categoryId: "999999" })).status, 422);
  const first = await createGroup(member.client, { name: "Twins", visibility: "open" });
  const second = await createGroup(member.client, { name: "Twins", visibility: "open" });
  t.not(first.slug, second.slug, "a free address is found");
  const taken = await member.client.post("/groups/new", { name: "Twins", visibility: "open", slug: first.slug });
  t.is(taken.status, 422);
  t.regex(taken.text, /This address is not available/);
});

test.serial("categories are edited by instance admins; deleting one keeps its groups", async (t) => {
  t.is((await admin.post("/admin/groups/categories", { name: "Guilds" })).status, 302);
  const { GroupCategory } = await import("../models/category.ts");
  const guilds = (await GroupCategory.findOne({ where: { name: "Guilds" } }))!;
  const group = await (async () => {
    const response = await member.client.post("/groups/new", { name: "Carpenters", visibility: "open", categoryId: String(guilds.id), description: "", tags: "" });
    t.is(response.status, 302);
    const { Group } = await import("../models/group.ts");
    return (await Group.findOne({ where: { name: "Carpenters" } }))!;
  })();
  t.is(group.categoryId, guilds.id);
  t.is((await admin.post(`/admin/groups/categories/${guilds.id}`, { name: "Trade guilds" })).status, 302);
  t.regex((await member.client.get("/groups?q=carpenters")).text, /Trade guilds/);
  t.is((await admin.post(`/admin/groups/categories/${guilds.id}`, { name: "" })).status, 422);
  t.is((await admin.post(`/admin/groups/categories/${guilds.id}/delete`)).status, 302);
  await group.reload();
  t.is(group.categoryId, null);
});
