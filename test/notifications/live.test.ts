import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import { openEvents, pause, queueDrained } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
});
// A stream left open (the last test) must not hold the server up: it ends once the server stops listening.
test.after.always(() => app?.close());

test.serial("two signed-in clients: one posts, the other's open dashboard hears of it and of its mention", async (t) => {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const dashboard = await openEvents(reader.client, "/live/events?stream=dashboard");
  const own = await openEvents(author.client, "/live/events?stream=dashboard");
  const otherPage = await openEvents(reader.client);
  try {
    t.is(dashboard.status, 200);
    t.deepEqual(await dashboard.waitFor("unread"), { count: 0, label: "0" }, "the count comes first");
    await publish(author.client, { target: "company:0", body: `Live hello @${await usernameOf(reader.userId)}` });
    t.deepEqual(await dashboard.waitFor("posts"), { count: 1, text: "1 new post: show it" });
    t.deepEqual(await dashboard.waitFor("unread", (data) => data.count === 1), { count: 1, label: "1" });
    t.deepEqual(await otherPage.waitFor("unread", (data) => data.count === 1), { count: 1, label: "1" }, "every open page of the reader");
    await publish(author.client, { target: "company:0", body: "And another one" });
    t.is((await dashboard.waitFor("posts", (data) => data.count === 2)).text, "2 new posts: show them");
    await queueDrained();
    await pause(200);
    t.false(own.events.some((e) => e.event === "posts"), "the author's own posts are not news to them");
    t.false(otherPage.events.some((e) => e.event === "posts"), "only the dashboard counts new posts");

    await reader.client.post("/notifications/read-all", { shownAt: String(Date.now()) });
    t.deepEqual(await dashboard.waitFor("unread", (data) => data.count === 0), { count: 0, label: "0" }, "reading updates the other pages");
  } finally {
    for (const stream of [dashboard, own, otherPage]) stream.close();
  }
});

test.serial("a post in a private room is not announced to a non-member's dashboard", async (t) => {
  const { rooms } = await import("../fixtures/modules/fixture-rooms/rooms.ts");
  await app.app.registry.enable("fixture-rooms");
  const secret = rooms.find((room) => room.slug === "secret")!;
  const member = await app.signedIn("member");
  const colleague = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  secret.members.set(member.userId, "member");
  secret.members.set(colleague.userId, "member");
  const inside = await openEvents(colleague.client, "/live/events?stream=dashboard");
  const outside = await openEvents(outsider.client, "/live/events?stream=dashboard");
  try {
    await publish(member.client, { target: `fixture-room:${secret.id}`, body: "Room only" });
    t.is((await inside.waitFor("posts")).count, 1);
    await pause(300);
    t.false(outside.events.some((e) => e.event === "posts"));
  } finally {
    inside.close();
    outside.close();
  }
});

test.serial("anonymous visitors get 204, which tells EventSource to stop", async (t) => {
  const response = await fetch(`${app.url}/live/events`, { headers: { accept: "text/event-stream" } });
  t.is(response.status, 204);
});

test.serial("the stream is an event stream that proxies do not buffer", async (t) => {
  const reader = await app.signedIn("member");
  const cookies = (reader.client as unknown as { cookies: Map<string, string> }).cookies;
  const controller = new AbortController();
  const response = await fetch(`${app.url}/live/events`, { headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") }, signal: controller.signal });
  t.regex(response.headers.get("content-type") ?? "", /^text\/event-stream/);
  t.is(response.headers.get("cache-control"), "no-cache, no-transform");
  t.is(response.headers.get("x-accel-buffering"), "no");
  // Left open on purpose: closing the app must end it (see after.always).
  await openEvents(reader.client);
  controller.abort();
});
