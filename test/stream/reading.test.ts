import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { publish } from "../helpers/content.ts";
import { User } from "../../core/models/user.ts";

// Reading the stream: long posts fold behind "Read more" (a link to the whole post without JavaScript),
// and times carry the exact date for the page's script to say relatively.

let app: TestApp;
let writer: Client;
let reader: Client;
let readerId: number;

test.before(async () => {
  app = await startApp();
  writer = (await app.signedIn("member")).client;
  ({ client: reader, userId: readerId } = await app.signedIn("member"));
});
test.after.always(() => app?.close());

const entryOf = (page: string, id: number) => {
  const start = page.indexOf(`id="content-${id}"`);
  return start < 0 ? "" : page.slice(start, page.indexOf("</article>", start));
};

test("a long post folds in the stream and shows whole on its own page; a short one never folds", async (t) => {
  const long = await publish(writer, { target: "company:0", body: Array.from({ length: 20 }, (_, line) => `Paragraph line ${line + 1}.`).join("\n\n") });
  const short = await publish(writer, { target: "company:0", body: "Short and sweet." });
  const dashboard = (await reader.get("/")).text;
  const folded = entryOf(dashboard, long);
  t.true(folded.includes('class="prose folded"'));
  t.regex(folded, new RegExp(`<a class="read-more" href="/c/${long}" data-unfold="body-${long}"[^>]*>Read more</a>`));
  t.true(folded.includes("Paragraph line 20."), "the whole text is there for the script to unfold");
  t.false(entryOf(dashboard, short).includes("folded"));
  const own = (await reader.get(`/c/${long}`)).text;
  t.false(entryOf(own, long).includes("folded"), "its own page shows it whole");
  t.false(entryOf(own, long).includes("read-more"));
  await User.update({ language: "fr" }, { where: { id: readerId } });
  t.true(entryOf((await reader.get("/")).text, long).includes(">Lire la suite</a>"));
  await User.update({ language: null }, { where: { id: readerId } });
});

test("entry and comment times carry the exact date and are marked for relative display", async (t) => {
  const id = await publish(writer, { target: "company:0", body: "When was this?" });
  t.is((await reader.post(`/c/${id}/comments`, { body: "Just now" })).status, 302);
  const entry = entryOf((await reader.get(`/c/${id}`)).text, id);
  const stamps = [...entry.matchAll(/<time datetime="([^"]+)" title="([^"]+)" data-relative>([^<]+)<\/time>/g)];
  t.is(stamps.length, 2, "the post's and the comment's");
  for (const [, datetime, title, shown] of stamps) {
    t.false(Number.isNaN(Date.parse(datetime)));
    t.is(shown, title, "the exact date without JavaScript: cached HTML never goes stale");
  }
});
