import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { addMember, createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";
import { openEvents, pause } from "../notifications/helpers.ts";

// "N new posts" counts every type the dashboard streams, not only posts: a module's content written
// through the content API into a container of the reader's dashboard counts, on the page and live;
// the reader's own does not, nor one in a container they cannot read, nor one of a module switched off.
let app: TestApp;
test.before(async () => {
  app = await startApp();
  await app.app.registry.enable("fixture-votes", "forced");
});
test.after.always(() => app?.close());

const banner = (html: string) => /<p class="new-posts"[^>]*>([^<]*)<\/p>/.exec(html)?.[1] ?? null;

async function poll(client: Client, group: CreatedGroup, question: string) {
  const response = await client.post(`${group.url}/fixture-votes`, { question });
  if (response.status !== 302) throw new Error(`poll refused: ${response.status} ${response.text.slice(0, 300)}`);
}

async function setUp() {
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const shared = await createGroup(author.client, { name: `Shared ${author.userId}`, visibility: "open" });
  await addMember(shared.id, reader.userId);
  const secret = await createGroup(outsider.client, { name: `Secret ${outsider.userId}`, visibility: "secret" });
  return { author, reader, outsider, shared, secret };
}

test.serial("a module's content counts as news on the next dashboard; the reader's own and an unreadable group's do not", async (t) => {
  const { author, reader, outsider, shared, secret } = await setUp();
  t.is(banner((await reader.client.get("/")).text), null, "first visit");

  await poll(author.client, shared, "Picnic on Sunday?");
  await poll(reader.client, shared, "My own question");
  await poll(outsider.client, secret, "Not for the reader");
  t.is(banner((await reader.client.get("/")).text), "1 new post since your last visit");
  t.is(banner((await reader.client.get("/")).text), null, "seen");

  await poll(author.client, shared, "Rain plan?");
  await app.app.registry.disable("fixture-votes");
  try {
    t.is(banner((await reader.client.get("/")).text), null, "a switched-off module's content is no news");
  } finally {
    await app.app.registry.enable("fixture-votes", "forced");
  }
});

test.serial("an open dashboard hears of a module's content live, but not of the reader's own nor of an unreadable group's", async (t) => {
  const { author, reader, outsider, shared, secret } = await setUp();
  const dashboard = await openEvents(reader.client, "/live/events?stream=dashboard");
  try {
    await dashboard.waitFor("unread");
    await poll(outsider.client, secret, "Not for the reader");
    await poll(reader.client, shared, "My own question");
    await poll(author.client, shared, "Picnic on Sunday?");
    t.deepEqual(await dashboard.waitFor("posts"), { count: 1, text: "1 new post: show it" });
    await pause(300);
    t.deepEqual(dashboard.events.filter((e) => e.event === "posts").map((e) => e.data.count), [1], "only the author's poll counted");
  } finally {
    dashboard.close();
  }
});
