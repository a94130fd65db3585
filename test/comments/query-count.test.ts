import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import type { Client } from "../helpers/client.ts";
import { statementsFor } from "../helpers/queries.ts";
import { comment } from "./helpers.ts";

let app: TestApp;
// The entry cache off: every request loads and renders its entries, the cost counted here (the cached
// path has its own count in test/stream/entry-cache.test.ts).
test.before(async () => {
  app = await startApp({ AGORA_ENTRY_CACHE_MB: "0" });
});
test.after.always(() => app?.close());

const queriesFor = (client: Client, path: string) => statementsFor(app, client, path);

/** Comments, replies and reactions on a post, as people write them. */
async function discuss(people: { client: Client }[], id: number, index: number) {
  const [first, second, third] = people;
  for (let thread = 0; thread < 3; thread += 1) {
    const top = await comment(people[thread % people.length].client, id, `Thread ${thread} on post ${index}`);
    await comment(second.client, id, `Reply on thread ${thread}`, top);
    await comment(third.client, id, `Another reply on thread ${thread}`, top);
    await first.client.post(`/comments/${top}/react`, { kind: "insightful" });
  }
  await second.client.post(`/c/${id}/react`, { kind: "like" });
  await third.client.post(`/c/${id}/react`, { kind: "celebrate" });
}

/** Both counts below include "N new posts" (counted only when there is activity since the last visit). */
const lastVisitAnHourAgo = (userId: number) =>
  app.app.sequelize.query("UPDATE users SET stream_seen_at = :at WHERE id = :userId", { replacements: { at: new Date(Date.now() - 3600_000), userId } });

test.serial("the dashboard costs as many queries with 5 entries with comments as with 20", async (t) => {
  const people = [await app.signedIn("member"), await app.signedIn("member"), await app.signedIn("member")];
  const reader = await app.signedIn("member");
  const measured = reader.client;
  const ids: number[] = [];
  for (let index = 0; index < 20; index += 1) ids.push(await publish(people[index % 3].client, { target: "company:0", body: `Post ${index}` }));
  for (const [index, id] of ids.slice(0, 5).entries()) await discuss(people, id, index);
  await reader.client.post(`/c/${ids[0]}/react`, { kind: "funny" });

  await measured.get("/");
  await lastVisitAnHourAgo(reader.userId);
  const five = await queriesFor(measured, "/");
  const page = await reader.client.get("/");
  t.is((page.text.match(/class="comment-thread"/g) ?? []).length, 10, "five entries show two threads each");

  for (const [index, id] of ids.slice(5).entries()) await discuss(people, id, index + 5);
  await measured.get("/");
  await lastVisitAnHourAgo(reader.userId);
  const twenty = await queriesFor(measured, "/");
  const full = await reader.client.get("/");
  t.is((full.text.match(/class="comment-thread"/g) ?? []).length, 40, "twenty entries show two threads each");
  t.is((full.text.match(/class="comment"/g) ?? []).length, 40 + 80, "with their replies");
  t.true(five.length > 0);
  t.is(twenty.length, five.length, `5 entries: ${five.length} queries, 20 entries: ${twenty.length}`);
  t.is(twenty.filter((sql) => /\bcomments\b/.test(sql)).length, 3, "threads, replies and rows: one query each");
  t.is(twenty.filter((sql) => /\breactions\b/.test(sql)).length, 1, "reaction counts of entries and of comments, in one query");
  t.is(twenty.filter((sql) => /\battachments\b/.test(sql)).length, 1, "files of entries and of comments, in one query");
});
