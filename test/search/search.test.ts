import test from "ava";
import type { TestApp } from "../helpers/app.ts";
import { isPostgres } from "../helpers/database.ts";
import { publish } from "../helpers/content.ts";
import { comment } from "../comments/helpers.ts";
import { contentIdOf, pdfDocument, postMultipart } from "../attachments/helpers.ts";
import { contentLinks, countOf, search, startSearchApp } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startSearchApp();
});
test.after.always(() => app?.close());

test.serial("accents do not matter, either way, and matches are marked", async (t) => {
  const { client } = await app.signedIn("member");
  const accented = await publish(client, { target: "company:0", body: "Réunion avec Élodie au sujet du préau" });
  const plain = await publish(client, { target: "company:0", body: "Lunch with Zoe and Francois" });

  const elodie = await search(client, "elodie");
  t.is(elodie.status, 200);
  t.deepEqual(contentLinks(elodie.main), [accented]);
  t.true(elodie.main.includes("<mark>Élodie</mark>"));
  t.deepEqual(contentLinks((await search(client, "REUNION preau")).main), [accented]);
  t.deepEqual(contentLinks((await search(client, "Zoé")).main), [plain]);
  t.deepEqual(contentLinks((await search(client, "françois")).main), [plain]);
});

test.serial("stemming: English on both engines, French only on PostgreSQL", async (t) => {
  const { client } = await app.signedIn("member");
  const english = await publish(client, { target: "company:0", body: "The team kept running the pilots" });
  const french = await publish(client, { target: "company:0", body: "Les chevaux sont arrivés" });
  t.deepEqual(contentLinks((await search(client, "run")).main), [english]);
  t.deepEqual(contentLinks((await search(client, "pilot")).main), [english]);
  // FTS5 ships only an English (Porter) stemmer: "cheval" does not find "chevaux" there.
  t.deepEqual(contentLinks((await search(client, "cheval")).main), isPostgres ? [french] : []);
  t.deepEqual(contentLinks((await search(client, "chevaux")).main), [french]);
});

test.serial("comments and file names are found, and link to where they are", async (t) => {
  const { client } = await app.signedIn("member");
  const post = await publish(client, { target: "company:0", body: "Budget thread" });
  const commentId = await comment(client, post, "The reconciliation is due tomorrow");
  const found = await search(client, "reconciliation", { type: "comment" });
  t.true(found.main.includes(`href="/c/${post}#comment-${commentId}"`));
  t.true(found.main.includes("<mark>reconciliation</mark>"));
  t.is(countOf(found.main), 1);
  t.deepEqual(contentLinks((await search(client, "reconciliation", { type: "post" })).main), []);

  const upload = await postMultipart(client, "/posts", { target: "company:0", body: "See attached" }, [{ name: "Rapport_trimestriel-2026.pdf", data: pdfDocument() }]);
  t.is(upload.status, 302);
  const withFile = contentIdOf(upload.location);
  const files = await search(client, "trimestriel", { type: "file" });
  t.regex(files.main, /href="\/files\/\d+\/Rapport_trimestriel-2026\.pdf"/);
  t.true(files.main.includes(`href="/c/${withFile}"`));
  t.true(files.main.includes("<mark>"));
  t.true((await search(client, "rapport 2026")).main.includes("Rapport_trimestriel-2026.pdf"));
});

test.serial("a private room's post is never shown to an outsider, nor counted", async (t) => {
  const { rooms } = await import("../fixtures/modules/fixture-rooms/rooms.ts");
  await app.app.registry.enable("fixture-rooms");
  const member = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const secret = rooms.find((room) => room.slug === "secret")!;
  secret.members.set(member.userId, "member");
  const hidden = await publish(member.client, { target: `fixture-room:${secret.id}`, body: "Skunkworks plan for Quasar" });
  const open = await publish(member.client, { target: "company:0", body: "Quasar lunch on Friday" });

  const insider = await search(member.client, "quasar");
  t.deepEqual(contentLinks(insider.main).sort(), [hidden, open].sort());
  t.is(countOf(insider.main), 2);
  for (const params of [{}, { type: "post" }, { sort: "newest" }] as Record<string, string>[]) {
    const seen = await search(outsider.client, "quasar", params);
    t.deepEqual(contentLinks(seen.main), [open]);
    t.is(countOf(seen.main), 1);
    t.false(seen.main.includes("Skunkworks"));
  }
  const nothing = await search(outsider.client, "skunkworks");
  t.deepEqual(contentLinks(nothing.main), []);
  t.is(countOf(nothing.main), null);
  t.true(nothing.main.includes("Nothing you can see matches"));
});

test.serial("edits, deletion, hiding and restoring keep the index in step with the data", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  const id = await publish(author.client, { target: "company:0", title: "Walrus notes", body: "Original walrus text" });
  t.deepEqual(contentLinks((await search(reader.client, "walrus")).main), [id]);

  t.is((await author.client.post(`/c/${id}/edit`, { title: "Narwhal notes", body: "Updated narwhal text" })).status, 302);
  t.deepEqual(contentLinks((await search(reader.client, "walrus")).main), []);
  t.deepEqual(contentLinks((await search(reader.client, "narwhal")).main), [id]);

  t.is((await author.client.post(`/c/${id}/delete`)).status, 302);
  t.deepEqual(contentLinks((await search(reader.client, "narwhal")).main), []);
  t.deepEqual(contentLinks((await search(author.client, "narwhal")).main), []);
  t.is((await author.client.post(`/c/${id}/restore`)).status, 302);
  t.deepEqual(contentLinks((await search(reader.client, "narwhal")).main), [id]);

  const commentId = await comment(reader.client, id, "A comment about the tusk");
  t.true((await search(author.client, "tusk")).main.includes(`#comment-${commentId}`));
  t.is((await admin.client.post(`/c/${id}/hide`)).status, 302);
  t.deepEqual(contentLinks((await search(reader.client, "narwhal")).main), []);
  t.deepEqual(contentLinks((await search(reader.client, "tusk")).main), [], "a hidden post's comments leave with it");
  t.is((await admin.client.post(`/c/${id}/unhide`)).status, 302);
  t.true((await search(author.client, "tusk")).main.includes(`#comment-${commentId}`));
  t.is((await reader.client.post(`/comments/${commentId}/delete`)).status, 302);
  t.false((await search(author.client, "tusk")).main.includes(`#comment-${commentId}`));
  // SQLite: after all these trigger-driven changes the FTS index still agrees with search_documents.
  if (!isPostgres) {
    for (const table of ["search_fts", "search_titles", "search_names"]) await t.notThrowsAsync(app.app.sequelize.query(`INSERT INTO ${table}(${table}, rank) VALUES ('integrity-check', 1)`), table);
  }
});

test.serial("indexed text cannot inject markup into results", async (t) => {
  const { client } = await app.signedIn("member");
  const id = await publish(client, {
    target: "company:0",
    title: "<script>alert(1)</script> xylophone",
    body: '<img src=x onerror=alert(1)> xylophone \uE000<b>bold</b> "><svg onload=alert(2)>',
  });
  const found = await search(client, "xylophone");
  t.deepEqual(contentLinks(found.main), [id]);
  const results = found.main.slice(found.main.indexOf('class="search-results"'));
  t.true(results.includes("<mark>xylophone</mark>"));
  const tags = results.match(/<[a-z][^>]*>/gi) ?? [];
  t.deepEqual(tags.filter((tag) => /^<(script|img|svg|b)\b|\son\w+=/i.test(tag)), []);
  t.is(results.match(/<mark>/g)?.length, results.match(/<\/mark>/g)?.length, "every <mark> is closed");

  const echoed = await search(client, '"><script>alert(3)</script>');
  t.is(echoed.status, 200);
  t.false(echoed.main.includes("<script>alert(3)"));
});

test.serial("bad or empty search input: clear answers, never a crash", async (t) => {
  const { client } = await app.signedIn("member");
  t.is((await search(client, "x".repeat(201))).status, 400);
  t.is((await search(client, "é".repeat(200))).status, 200);
  const empty = await search(client, "");
  t.is(empty.status, 200);
  t.true(empty.main.includes("Search people, groups, posts"));
  const punctuation = await search(client, "!!! ?? --");
  t.is(punctuation.status, 200);
  t.true(punctuation.main.includes("Type at least one word"));
  for (const params of [{ type: "nothing" }, { page: "11" }, { page: "0" }, { page: "two" }, { before: "-4" }, { sort: "random" }] as Record<string, string>[]) {
    t.is((await search(client, "walrus", params)).status, 400, JSON.stringify(params));
  }
  t.is((await client.get("/search?q=a&q=b")).status, 400);
  t.is((await app.client().get("/search?q=walrus")).status, 302, "anonymous visitors are sent to sign in");
});

test.serial("guests find only what they may read: no company posts, no colleagues", async (t) => {
  const member = await app.signedIn("member", { displayName: "Octavia Plumtree" });
  const guest = await app.signedIn("guest", { displayName: "Gaston Guest" });
  await publish(member.client, { target: "company:0", body: "Plumtree internal memo" });
  const seen = await search(guest.client, "plumtree");
  t.deepEqual(contentLinks(seen.main), []);
  t.false(seen.main.includes("Octavia"));
  t.true((await search(member.client, "plumtree")).main.includes("Octavia Plumtree"));
  t.true((await search(guest.client, "gaston", { type: "person" })).main.includes("Gaston Guest"), "guests find themselves");
});

test.serial("people: by name and profile, except the fields an admin switched off", async (t) => {
  const { client } = await app.signedIn("member");
  const person = await app.createUser({ displayName: "Henriette Ducasse" });
  const { UserProfile } = await import("../../core/models/profile.ts");
  // Written directly, not through the profile form: the triggers index every writer.
  await UserProfile.create({ userId: person.userId, jobTitle: "Cartographer", department: "Hydrography", location: null, phone: null, managerId: null, bio: null });
  const byJob = await search(client, "cartographer", { type: "person" });
  t.true(byJob.main.includes("Henriette Ducasse"));
  t.true((await search(client, "hydrography")).main.includes("Henriette Ducasse"));
  t.true((await search(client, "henri*", { type: "person" })).main.includes("Henriette Ducasse"));

  const { saveEnabledFields, profileFields } = await import("../../core/people/profile-fields.ts");
  await saveEnabledFields(app.app.settings, profileFields.filter((field) => field !== "department"));
  t.false((await search(client, "hydrography")).main.includes("Henriette Ducasse"), "a hidden field is not searchable");
  t.true((await search(client, "cartographer")).main.includes("Henriette Ducasse"));
  await saveEnabledFields(app.app.settings, [...profileFields]);
  t.true((await search(client, "hydrography")).main.includes("Henriette Ducasse"));

  const { User } = await import("../../core/models/user.ts");
  await User.update({ status: "disabled" }, { where: { id: person.userId } });
  t.false((await search(client, "cartographer")).main.includes("Henriette Ducasse"), "disabled accounts leave the index");
});

test.serial("relevance: title matches first, at most 10 pages; newest: keyset pages without limit", async (t) => {
  const { client } = await app.signedIn("member");
  const titled = await publish(client, { target: "company:0", title: "Quokka facts", body: "Everything about them" });
  const others: number[] = [];
  for (let index = 0; index < 24; index += 1) others.push(await publish(client, { target: "company:0", body: `Quokka sighting number ${index}` }));

  const first = await search(client, "quokka");
  t.is(countOf(first.main), 25);
  t.is(contentLinks(first.main).length, 20);
  t.is(contentLinks(first.main)[0], titled, "the title match comes first although it is the oldest");
  const next = /href="([^"]*page=2[^"]*)" rel="next"/.exec(first.main)?.[1].replaceAll("&amp;", "&");
  t.truthy(next);
  const second = await client.get(next!);
  t.is(contentLinks(second.text.slice(second.text.indexOf("<main"))).length, 5);

  const newest = await search(client, "quokka", { sort: "newest" });
  t.deepEqual(contentLinks(newest.main), others.slice(-20).reverse());
  const older = /href="([^"]*before=\d+[^"]*)" rel="next"/.exec(newest.main)?.[1].replaceAll("&amp;", "&");
  t.truthy(older);
  const rest = await client.get(older!);
  t.deepEqual(contentLinks(rest.text.slice(rest.text.indexOf("<main"))), [...others.slice(0, 4).reverse(), titled]);
});
