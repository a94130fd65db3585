import test from "ava";
import type { TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import { comment } from "../comments/helpers.ts";
import { contentLinks, search, startSearchApp } from "./helpers.ts";

// Results read as text: no Markdown syntax in snippets, comments named after who wrote them and on what.
let app: TestApp;

test.before(async () => {
  app = await startSearchApp();
});
test.after.always(() => app?.close());

test.serial("snippets show Markdown as plain text, matches still marked and escaped", async (t) => {
  const { client } = await app.signedIn("member");
  const post = await publish(client, { target: "company:0", body: "**Q4 réunion** on Monday: see the [agenda](https://intranet.example.test/agenda) <b>now</b>\n\n- first *point*\n- `second` point" });
  const found = await search(client, "reunion");
  t.is(found.status, 200);
  t.deepEqual(contentLinks(found.main), [post]);
  const snippet = /class="search-result-snippet">([\s\S]*?)<\/p>/.exec(found.main)?.[1] ?? "";
  t.regex(snippet, /<mark>réunion<\/mark> on Monday: see the agenda /);
  t.false(snippet.includes("<b>"), "typed HTML stays text (escaped on SQLite, dropped by PostgreSQL's headline)");
  for (const syntax of ["**", "](", "https://intranet", "`", "- first", "*point*"]) t.false(snippet.includes(syntax), `no "${syntax}" in ${snippet}`);
});

test.serial("a comment result is titled with its author and the post it answers, in English and French", async (t) => {
  const { client: ana } = await app.signedIn("member", { displayName: "Ana Lopes" });
  const titled = await publish(ana, { target: "company:0", title: "Budget 2027", body: "Numbers inside" });
  const untitled = await publish(ana, { target: "company:0", body: "**Kick-off** for the [new office](https://example.test) in Lyon, with a very long first paragraph indeed" });
  await comment(ana, titled, "The quincunx figures are late");
  await comment(ana, untitled, "A quincunx of desks");
  const { client: reader } = await app.signedIn("member");
  const found = await search(reader, "quincunx", { type: "comment" });
  t.true(found.main.includes("Comment by Ana Lopes on “Budget 2027”"), found.main);
  t.regex(found.main, /Comment by Ana Lopes on “Kick-off for the new office in Lyon, with a very long[^”]*…”/, "an untitled post: the start of its text, as plain text");
  t.false(/search-result-title"[^>]*>\s*Comment\s*</.test(found.main), "never a bare “Comment”");

  const french = await reader.get(`/search?q=quincunx&type=comment`, { "accept-language": "fr" });
  t.true(french.text.includes("Commentaire de Ana Lopes sur « Budget 2027 »"), "French");
});

test.serial("a query over 200 characters answers the search page with a message, and searches nothing", async (t) => {
  const { client } = await app.signedIn("member");
  await publish(client, { target: "company:0", body: "walrus overflow" });
  const long = await search(client, `walrus ${"x".repeat(200)}`);
  t.is(long.status, 400);
  t.regex(long.main, /<form class="card search-form"/, "the search form is there to correct the text");
  t.true(long.main.includes("The search text is too long: at most 200 characters."));
  t.deepEqual(contentLinks(long.main), [], "nothing searched");
  t.regex(long.text, /<title>Search/);
  const french = await client.get(`/search?q=${"y".repeat(201)}`, { "accept-language": "fr" });
  t.is(french.status, 400);
  t.true(french.text.includes("Le texte recherché est trop long"));
});
