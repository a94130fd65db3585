import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

test.serial("a post to the company stream reaches colleagues' dashboards, not guests'", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const guest = await app.signedIn("guest");
  const id = await publish(author.client, { target: "company:0", title: "Canteen news", body: "The canteen opens at **noon**." });

  const dashboard = await reader.client.get("/");
  t.is(dashboard.status, 200);
  t.true(dashboard.text.includes("Canteen news"));
  t.true(dashboard.text.includes("<strong>noon</strong>"));
  t.true(dashboard.text.includes(`/c/${id}`));

  t.false((await guest.client.get("/")).text.includes("Canteen news"));
  t.is((await guest.client.get(`/c/${id}`)).status, 404);
  t.is((await reader.client.get(`/c/${id}`)).status, 200);
});

test.serial("a refused post comes back filled in with the reason, and nothing is written", async (t) => {
  const { client } = await app.signedIn("member");
  const { Content } = await import("../../core/models/content.ts");
  const before = await Content.count();
  const tooLong = await client.post("/posts", { target: "company:0", title: "Kept title", body: "x".repeat(20_001) });
  t.is(tooLong.status, 422);
  t.true(tooLong.text.includes("Kept title"));
  t.true(tooLong.text.includes("x".repeat(200)));
  const nowhere = await client.post("/posts", { target: "nowhere:1", body: "Lost?" });
  t.is(nowhere.status, 422);
  t.true(nowhere.text.includes("Lost?"));
  const someoneElse = await app.createUser();
  const foreignProfile = await client.post("/posts", { target: `user:${someoneElse.userId}`, body: "On your wall" });
  t.is(foreignProfile.status, 403);
  t.true(foreignProfile.text.includes("On your wall"));
  t.is(await Content.count(), before);
});

test.serial("hostile Markdown renders inert", async (t) => {
  const { client } = await app.signedIn("member");
  const payloads = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="https://x" onclick="alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "![img](https://evil.example/x.png)",
    "[vb](vbscript:msgbox(1))",
  ];
  const id = await publish(client, { target: "company:0", title: "<b>title</b>", body: payloads.join("\n\n") + "\n\nhttps://example.com" });
  const page = (await client.get(`/c/${id}`)).text;
  // The post's own article only: the page around it has markup of its own (the image viewer's template).
  const start = page.indexOf(`id="content-${id}"`);
  const article = page.slice(start, page.indexOf("</article>", start));
  const tags = article.match(/<[a-z][^>]*>/gi) ?? [];
  t.deepEqual(tags.filter((tag) => /^<(script|img|iframe)|\son\w+=|(href|src)="(javascript|data|vbscript):/i.test(tag)), []);
  t.true(article.includes("&lt;script&gt;"));
  t.true(article.includes("&lt;b&gt;title&lt;/b&gt;"));
  t.true(article.includes('href="https://example.com" rel="noopener nofollow ugc"'));
});

test.serial("edit keeps the old text for moderators; delete and restore within 30 days", async (t) => {
  const author = await app.signedIn("member");
  const colleague = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  const id = await publish(author.client, { target: "company:0", body: "First version" });

  t.is((await colleague.client.get(`/c/${id}/edit`)).status, 404);
  t.is((await colleague.client.post(`/c/${id}/edit`, { body: "hijack" })).status, 404);
  t.is((await author.client.post(`/c/${id}/edit`, { body: "" })).status, 422);
  t.is((await author.client.post(`/c/${id}/edit`, { body: "Second version" })).status, 302);
  const shown = await colleague.client.get(`/c/${id}`);
  t.true(shown.text.includes("Second version"));
  t.regex(shown.text, /edited/);
  t.is((await colleague.client.get(`/c/${id}/history`)).status, 404);
  const history = await admin.client.get(`/c/${id}/history`);
  t.is(history.status, 200);
  t.true(history.text.includes("First version"));

  t.is((await colleague.client.post(`/c/${id}/delete`)).status, 403);
  t.is((await author.client.post(`/c/${id}/delete`)).status, 302);
  t.is((await colleague.client.get(`/c/${id}`)).status, 404);
  t.false((await colleague.client.get("/")).text.includes("Second version"));
  t.is((await author.client.get(`/c/${id}`)).status, 200);
  t.is((await author.client.post(`/c/${id}/restore`)).status, 302);
  t.is((await colleague.client.get(`/c/${id}`)).status, 200);

  // Past 30 days the author can no longer restore it.
  t.is((await author.client.post(`/c/${id}/delete`)).status, 302);
  const { Content } = await import("../../core/models/content.ts");
  await Content.update({ deletedAt: new Date(Date.now() - 31 * 24 * 3600 * 1000) }, { where: { id } });
  t.is((await author.client.post(`/c/${id}/restore`)).status, 403);
});

test.serial("authors read the edit history of their own posts; other members do not", async (t) => {
  const author = await app.signedIn("member");
  const colleague = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Draft wording" });
  t.is((await author.client.post(`/c/${id}/edit`, { body: "Final wording" })).status, 302);

  const link = `href="/c/${id}/history"`;
  t.true((await author.client.get(`/c/${id}`)).text.includes(link));
  const history = await author.client.get(`/c/${id}/history`);
  t.is(history.status, 200);
  t.true(history.text.includes("Draft wording"));
  t.true(history.text.includes("Final wording"));

  t.false((await colleague.client.get(`/c/${id}`)).text.includes(link));
  const refused = await colleague.client.get(`/c/${id}/history`);
  t.is(refused.status, 404);
  t.false(refused.text.includes("Draft wording"));
});

test.serial("mentions link people and are recorded; #topics get pages that can be followed", async (t) => {
  const author = await app.signedIn("member");
  const mentioned = await app.signedIn("member");
  const name = await usernameOf(mentioned.userId);
  const id = await publish(author.client, { target: "company:0", body: `Thanks @${name}! See #Qualité and @nobody-at-all.` });
  const page = (await author.client.get(`/c/${id}`)).text;
  t.true(page.includes(`<a href="/u/${name}" class="mention">@${name}</a>`));
  t.false(page.includes('href="/u/nobody-at-all"'));
  t.true(page.includes('href="/topics/qualit%C3%A9"'));

  const mentions = await mentioned.client.get("/?filter=mentions");
  t.true(mentions.text.includes(`/c/${id}`));
  t.false((await author.client.get("/?filter=mentions")).text.includes(`/c/${id}`));

  const topic = await mentioned.client.get("/topics/qualit%C3%A9");
  t.is(topic.status, 200);
  t.true(topic.text.includes(`/c/${id}`));
  t.is((await mentioned.client.post("/topics/QUALIT%C3%89/follow")).status, 302);
  t.regex((await mentioned.client.get("/topics")).text, /#Qualité/);
  t.is((await mentioned.client.get("/topics/never-used")).status, 404);
});

test.serial("a private container's content never shows to a non-member: dashboard, topic, permalink, mentions", async (t) => {
  const { rooms } = await import("../fixtures/modules/fixture-rooms/rooms.ts");
  const { app: agora } = app;
  await agora.registry.enable("fixture-rooms");
  const member = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const secret = rooms.find((room) => room.slug === "secret")!;
  secret.members.set(member.userId, "member");
  const outsiderName = await usernameOf(outsider.userId);
  const id = await publish(member.client, { target: `fixture-room:${secret.id}`, body: `Secret plan #skunkworks @${outsiderName}` });

  t.true((await member.client.get("/")).text.includes("Secret plan"));
  t.true((await member.client.get("/topics/skunkworks")).text.includes("Secret plan"));
  for (const path of ["/", "/topics/skunkworks", "/?filter=mentions", "/?topic=skunkworks", `/c/${id}`]) {
    const response = await outsider.client.get(path);
    t.false(response.text.includes("Secret plan"), path);
  }
  t.is((await outsider.client.get(`/c/${id}`)).status, 404);
  const { Mention } = await import("../../core/models/mention.ts");
  t.is(await Mention.count({ where: { contentId: id } }), 0, "an outsider's mention is not recorded");
  t.is((await outsider.client.post("/posts", { target: `fixture-room:${secret.id}`, body: "let me in" })).status, 422, "answered like a room that does not exist");
});

test.serial("the stream pages by keyset with a plain link; a forged cursor is a 400", async (t) => {
  const { client } = await app.signedIn("member");
  const reader = await app.signedIn("member");
  for (let index = 0; index < 25; index += 1) await publish(client, { target: "company:0", body: `Paged post number ${index}` });
  const first = await reader.client.get("/?filter=posts");
  const next = /href="(\/\?filter=posts&amp;before=[^"]+)"/.exec(first.text);
  t.truthy(next);
  const second = await reader.client.get(next![1].replace(/&amp;/g, "&"));
  t.is(second.status, 200);
  t.true(second.text.includes("Paged post number 0"));
  t.false(first.text.includes("Paged post number 0<"));
  t.is((await reader.client.get("/?before=abc")).status, 400);
  t.is((await reader.client.get("/?filter=everything")).status, 400);
  const partial = await reader.client.get(`${next![1].replace(/&amp;/g, "&")}&partial=1`);
  t.false(partial.text.includes("<html"));
});
