import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import type { ActionHooks } from "../../core/modules/types.ts";
import { comment, entryHtml } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const models = async () => {
  const { Reaction } = await import("../../core/models/reaction.ts");
  const { Content } = await import("../../core/models/content.ts");
  return { Reaction, Content };
};

test.serial("one reaction per person: the same kind takes it back, another kind replaces it; counts follow", async (t) => {
  const { Reaction, Content } = await models();
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const other = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "React to me" });
  const count = async () => (await Content.findByPk(id))!.reactionCount;

  t.is((await reader.client.post(`/c/${id}/react`, { kind: "like" })).status, 302);
  t.is(await count(), 1);
  t.is((await reader.client.post(`/c/${id}/react`, { kind: "celebrate" })).status, 302);
  t.deepEqual((await Reaction.findAll({ where: { contentId: id } })).map((reaction) => [reaction.userId, reaction.kind]), [[reader.userId, "celebrate"]]);
  t.is(await count(), 1, "changing the kind does not add one");
  await other.client.post(`/c/${id}/react`, { kind: "celebrate" });
  await author.client.post(`/c/${id}/react`, { kind: "insightful" });
  t.is(await count(), 3);

  const html = entryHtml((await reader.client.get("/")).text, id);
  t.regex(html, /value="celebrate" class="reaction-chip is-mine" aria-pressed="true"[^>]*>.*?<span class="reaction-count">2<\/span>/);
  t.regex(html, /value="insightful" class="reaction-chip" aria-pressed="false"[^>]*>.*?<span class="reaction-count">1<\/span>/);
  t.true(html.includes(`href="/c/${id}/reactions">3 reactions</a>`));

  t.is((await reader.client.post(`/c/${id}/react`, { kind: "celebrate" })).status, 302);
  t.is(await count(), 2);
  t.is(await Reaction.count({ where: { contentId: id, userId: reader.userId } }), 0);
  t.false(entryHtml((await reader.client.get("/")).text, id).includes("is-mine"));

  // The database itself refuses a second reaction by the same person on the same item.
  await t.throwsAsync(Reaction.create({ contentId: id, commentId: null, userId: other.userId, kind: "funny" }));
});

test.serial("reactions on comments count apart from the content's", async (t) => {
  const { Reaction, Content } = await models();
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Comment reactions" });
  const said = await comment(author.client, id, "React to this comment");
  t.is((await reader.client.post(`/comments/${said}/react`, { kind: "funny" })).status, 302);
  t.is((await author.client.post(`/comments/${said}/react`, { kind: "funny" })).status, 302);
  await reader.client.post(`/c/${id}/react`, { kind: "like" });
  t.is((await Content.findByPk(id))!.reactionCount, 1);
  t.is(await Reaction.count({ where: { commentId: said } }), 2);
  const html = entryHtml((await reader.client.get(`/c/${id}`)).text, id);
  const onComment = html.slice(html.indexOf(`id="comment-${said}"`));
  t.regex(onComment, /action="\/comments\/\d+\/react"[\s\S]*?value="funny" class="reaction-chip is-mine"[^>]*>.*?<span class="reaction-count">2<\/span>/);
  const list = await reader.client.get(`/comments/${said}/reactions`);
  t.is(list.status, 200);
  t.true(list.text.includes(`href="/u/${await usernameOf(author.userId)}"`));
  // Taking it back, then a deleted comment takes no more reactions.
  t.is((await reader.client.post(`/comments/${said}/react`, { kind: "funny" })).status, 302);
  t.is(await Reaction.count({ where: { commentId: said } }), 1);
  await author.client.post(`/comments/${said}/delete`);
  t.is((await reader.client.post(`/comments/${said}/react`, { kind: "like" })).status, 404);
});

test.serial("who reacted: names link to profiles, newest first, paged by keyset, one kind at a time", async (t) => {
  const { Reaction } = await models();
  const { User } = await import("../../core/models/user.ts");
  const author = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Popular" });
  const people = await User.bulkCreate(
    Array.from({ length: 55 }, (_, index) => ({ email: `fan${index}@example.test`, username: `fan${index}`, displayName: `Fan Number ${index}`, passwordHash: null, language: null, lastLoginAt: null })),
  );
  for (const [index, person] of people.entries()) await Reaction.create({ contentId: id, commentId: null, userId: person.id, kind: index % 5 === 0 ? "support" : "like" });

  const first = await author.client.get(`/c/${id}/reactions`);
  t.is(first.status, 200);
  t.true(first.text.includes('<a href="/u/fan54">Fan Number 54</a>'));
  t.true(first.text.indexOf("Fan Number 54<") < first.text.indexOf("Fan Number 53<"));
  t.false(first.text.includes("Fan Number 4<"));
  const more = /href="(\/c\/\d+\/reactions\?before=\d+)"/.exec(first.text);
  t.truthy(more);
  const second = await author.client.get(more![1]);
  t.true(second.text.includes("Fan Number 0<") && second.text.includes("Fan Number 4<"));
  t.false(second.text.includes("Fan Number 5<"));

  const supporters = await author.client.get(`/c/${id}/reactions?kind=support`);
  t.true(supporters.text.includes("Fan Number 50<") && supporters.text.includes("Fan Number 0<"));
  t.false(supporters.text.includes("Fan Number 1<"));
  t.is((await author.client.get(`/c/${id}/reactions?kind=angry`)).status, 400);
  t.is((await author.client.get(`/c/${id}/reactions?before=x`)).status, 400);

  const json = await author.client.get(`/c/${id}/reactions?kind=support`, { accept: "application/json" });
  const body = JSON.parse(json.text) as { reactions: { username: string; kind: string }[] };
  t.is(body.reactions.length, 11);
  t.deepEqual(body.reactions[0], { kind: "support", username: "fan50", displayName: "Fan Number 50" });
});

test.serial("an unknown kind is a 400, unreadable content a 404, and nothing is written", async (t) => {
  const { Reaction, Content } = await models();
  const { rooms } = await import("../fixtures/modules/fixture-rooms/rooms.ts");
  await app.app.registry.enable("fixture-rooms");
  const member = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const secret = rooms.find((room) => room.slug === "secret")!;
  secret.members.set(member.userId, "member");
  const hidden = await publish(member.client, { target: `fixture-room:${secret.id}`, body: "Members only" });
  const said = await comment(member.client, hidden, "Members only comment");
  const open = await publish(member.client, { target: "company:0", body: "Open to all" });
  const before = await Reaction.count();

  t.is((await member.client.post(`/c/${open}/react`, { kind: "angry" })).status, 400);
  t.is((await member.client.post(`/c/${open}/react`, {})).status, 400);
  t.is((await member.client.post(`/c/${open}/react`, { kind: ["like", "funny"] })).status, 400);
  t.is((await outsider.client.post(`/c/${hidden}/react`, { kind: "like" })).status, 404);
  t.is((await outsider.client.post(`/comments/${said}/react`, { kind: "like" })).status, 404);
  t.is((await outsider.client.get(`/c/${hidden}/reactions`)).status, 404);
  t.is((await outsider.client.get(`/comments/${said}/reactions`)).status, 404);
  t.is((await outsider.client.post(`/c/99999999/react`, { kind: "like" })).status, 404);
  t.is(await Reaction.count(), before);
  t.is((await Content.findByPk(hidden))!.reactionCount, 0);
});

test.serial("JSON for the enhancement script; otherwise back to the page it came from, never to another site", async (t) => {
  const author = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Where do I go" });
  const json = await author.client.post(`/c/${id}/react`, { kind: "support" }, { headers: { accept: "application/json" } });
  t.is(json.status, 200);
  t.deepEqual(JSON.parse(json.text), { kind: "support", total: 1, counts: { like: 0, celebrate: 0, support: 1, insightful: 0, funny: 0 }, totalLabel: "1 reaction" });
  const undo = await author.client.post(`/c/${id}/react`, { kind: "support" }, { headers: { accept: "application/json" } });
  t.is(JSON.parse(undo.text).kind, null);

  const local = await author.client.post(`/c/${id}/react`, { kind: "like" }, { headers: { referer: `${app.url}/?filter=posts` } });
  t.is(local.location, `/?filter=posts#content-${id}`);
  const foreign = await author.client.post(`/c/${id}/react`, { kind: "like" }, { headers: { referer: "https://evil.example/phish" } });
  t.is(foreign.location, `/c/${id}#content-${id}`);
  const sneaky = await author.client.post(`/c/${id}/react`, { kind: "like" }, { headers: { referer: `${app.url}//evil.example/x` } });
  t.is(sneaky.location, `/c/${id}#content-${id}`);
});

test.serial("modules hear of a reaction added or changed, not of one taken back", async (t) => {
  await app.app.registry.enable("fixture-rooms");
  const heard: string[] = [];
  app.app.registry.hooks.on("fixture-rooms", "reaction.added", ({ reaction, user, comment: on }: ActionHooks["reaction.added"]) => {
    heard.push(`${user.id}:${reaction.kind}:${on ? "comment" : "content"}`);
  });
  const author = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Hooked" });
  await author.client.post(`/c/${id}/react`, { kind: "like" });
  await author.client.post(`/c/${id}/react`, { kind: "funny" });
  await author.client.post(`/c/${id}/react`, { kind: "funny" });
  t.deepEqual(heard, [`${author.userId}:like:content`, `${author.userId}:funny:content`]);
});

test.serial("clicks at once leave one reaction at most and a count that matches the rows", async (t) => {
  const { Reaction, Content } = await models();
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", body: "Double click" });
  const said = await comment(author.client, id, "Double click a comment");
  const responses = await Promise.all([
    ...["like", "like", "funny", "like", "celebrate"].map((kind) => reader.client.post(`/c/${id}/react`, { kind })),
    ...["like", "like", "funny"].map((kind) => reader.client.post(`/comments/${said}/react`, { kind })),
  ]);
  t.deepEqual(responses.map((response) => response.status), Array(8).fill(302));
  const onContent = await Reaction.count({ where: { contentId: id, commentId: null } });
  t.true(onContent <= 1);
  t.is((await Content.findByPk(id))!.reactionCount, onContent);
  t.true((await Reaction.count({ where: { commentId: said } })) <= 1);
});

test.serial("stream bars show chips and a React link; the who-reacted page offers every kind, the viewer's pressed, in their language", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const celebrated = await publish(author.client, { target: "company:0", body: "Celebrated post" });
  const untouched = await publish(author.client, { target: "company:0", body: "Untouched post" });
  const liked = await publish(author.client, { target: "company:0", body: "Liked post" });
  await reader.client.post(`/c/${celebrated}/react`, { kind: "celebrate" });
  await reader.client.post(`/c/${liked}/react`, { kind: "like" });

  const pressed = (html: string) => [...html.matchAll(/class="reaction-option([^"]*)" aria-pressed="(true|false)"><span aria-hidden="true">[^<]*<\/span> ([^<]+)<\/button>/g)]
    .filter((match) => match[2] === "true").map((match) => [match[1].trim(), match[3]]);
  const optionCount = (html: string) => [...html.matchAll(/class="reaction-option[ "]/g)].length;
  const page = (await reader.client.get("/")).text;
  t.regex(entryHtml(page, celebrated), /class="reaction-chip is-mine" aria-pressed="true" title="Celebrate"/);
  t.regex(entryHtml(page, liked), /class="reaction-chip is-mine" aria-pressed="true" title="Like"/);
  t.false(entryHtml(page, untouched).includes("reaction-chip"));
  t.true(entryHtml(page, untouched).includes(`<a class="reaction-add" href="/c/${untouched}/reactions#react" data-react`));
  t.is(optionCount(entryHtml(page, untouched)), 0, "no picker under each entry");
  const template = page.slice(page.indexOf('<template id="reaction-options">'));
  t.is(optionCount(page), 5, "one set of buttons for the script, in the page's template");
  t.is(optionCount(template), 5);
  t.deepEqual(pressed(template), []);

  const choice = (await reader.client.get(`/c/${celebrated}/reactions`)).text;
  t.regex(choice, new RegExp(`<form method="post" action="/c/${celebrated}/react" class="reaction-choice card" id="react">`));
  t.deepEqual(pressed(choice.slice(0, choice.indexOf("<template"))), [["is-mine", "Celebrate"]]);
  t.deepEqual(pressed((await reader.client.get(`/c/${untouched}/reactions`)).text), []);
  t.is((await reader.client.post(`/c/${untouched}/react`, { kind: "funny" })).status, 302, "the page's buttons post as the chips do");

  // Without JavaScript: from a filtered dashboard to the who-reacted page, and back to that stream after choosing.
  const fromStream = (await reader.client.get(`/c/${liked}/reactions`, { referer: `${app.url}/?filter=posts` })).text;
  t.true(fromStream.includes('<input type="hidden" name="returnTo" value="/?filter=posts">'));
  const chosen = await reader.client.post(`/c/${liked}/react`, { kind: "support", returnTo: "/?filter=posts" }, { headers: { referer: `${app.url}/c/${liked}/reactions` } });
  t.is(chosen.location, `/?filter=posts#content-${liked}`);
  const bookmarked = (await reader.client.get(`/c/${liked}/reactions`)).text;
  t.true(bookmarked.includes(`<input type="hidden" name="returnTo" value="/c/${liked}">`), "no referer: back to the post");
  const paged = (await reader.client.get(`/c/${liked}/reactions`, { referer: `${app.url}/c/${liked}/reactions?kind=like` })).text;
  t.true(paged.includes(`<input type="hidden" name="returnTo" value="/c/${liked}">`), "from the list itself: back to the post, not the list");
  const elsewhere = await reader.client.post(`/c/${liked}/react`, { kind: "support", returnTo: "//evil.example/" }, { headers: { referer: `${app.url}/c/${liked}/reactions` } });
  t.is(elsewhere.location, `/#content-${liked}`, "another site is never a way back");
  t.deepEqual(pressed((await reader.client.get(`/c/${untouched}/reactions`)).text.split("<template")[0]), [["is-mine", "Funny"]]);

  await app.app.sequelize.query("UPDATE users SET language = 'fr' WHERE id = :id", { replacements: { id: reader.userId } });
  const french = (await reader.client.get(`/c/${celebrated}/reactions`)).text;
  t.deepEqual(pressed(french.split("<template")[0]), [["is-mine", "Bravo"]]);
  const frenchPage = (await reader.client.get("/")).text;
  t.false(frenchPage.includes(">Celebrate<") || / Like<\/button>/.test(frenchPage));
  t.true(frenchPage.includes(`<a class="reaction-add" href="/c/${untouched}/reactions#react" data-react aria-expanded="false">Réagir</a>`));
});
