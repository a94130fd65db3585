import test from "ava";
import { EntryHtmlCache } from "../../core/views/entry-cache.ts";
import { PageBytes } from "../../core/views/page-bytes.ts";

// The memory side of the entry cache (core/views/entry-cache.ts): a byte budget, least recently shown
// first out, an age limit, and no session token kept in memory; and a page assembled around cached
// bytes (core/views/page-bytes.ts).
const html = (label: string, token: string) => `<article>${label}<input name="_csrf" value="${token}"><form action="/c/1/comments?_csrf=${token}"></form></article>`;

test("stored HTML keeps no token; each session gets its own back", (t) => {
  const cache = new EntryHtmlCache(1024 * 1024);
  cache.remember({ key: "k", token: "first-Token_1" }, html("entry", "first-Token_1"));
  t.is(Buffer.concat(cache.get({ key: "k", token: "second-Token_2" })!).toString(), html("entry", "second-Token_2"));
  t.false(cache.get({ key: "k", token: "x" })!.some((piece) => piece.toString().includes("first-Token_1")));
  t.is(cache.get({ key: "other", token: "x" }), undefined);
});

test("a token that URL-encoding would change is never stored", (t) => {
  const cache = new EntryHtmlCache(1024 * 1024);
  cache.remember({ key: "k", token: "a+b/c=" }, html("entry", "a+b/c="));
  t.is(cache.get({ key: "k", token: "a+b/c=" }), undefined);
});

test("past the byte budget the least recently shown entries go first", (t) => {
  const probe = new EntryHtmlCache(1024 * 1024);
  probe.remember({ key: "k0", token: "TOKEN" }, html("entry 0", "TOKEN"));
  const one = probe.size.bytes;
  const cache = new EntryHtmlCache(one * 3);
  for (const index of [0, 1, 2]) cache.remember({ key: `k${index}`, token: "TOKEN" }, html(`entry ${index}`, "TOKEN"));
  t.truthy(cache.get({ key: "k0", token: "TOKEN" }), "k0 shown again: now the most recent");
  cache.remember({ key: "k3", token: "TOKEN" }, html("entry 3", "TOKEN"));
  t.is(cache.get({ key: "k1", token: "TOKEN" }), undefined, "k1 was the least recently shown");
  for (const key of ["k0", "k2", "k3"]) t.truthy(cache.get({ key, token: "TOKEN" }), key);
  t.true(cache.size.bytes <= one * 3);
  t.is(cache.size.entries, 3);
});

test("an entry older than the age limit is not shown; a cache of size 0 keeps nothing", (t) => {
  const cache = new EntryHtmlCache(1024 * 1024, 60_000);
  cache.remember({ key: "k", token: "TOKEN" }, html("entry", "TOKEN"));
  t.truthy(cache.get({ key: "k", token: "TOKEN" }, Date.now() + 59_000));
  t.is(cache.get({ key: "k", token: "TOKEN" }, Date.now() + 61_000), undefined);
  t.is(cache.size.bytes, 0);
  const off = new EntryHtmlCache(0);
  off.remember({ key: "k", token: "TOKEN" }, html("entry", "TOKEN"));
  t.is(off.size.entries, 0);
});

test("a page puts cached bytes where their markers are, and text that only looks like a marker stays text", (t) => {
  const cache = new EntryHtmlCache(1024 * 1024);
  cache.remember({ key: "a", token: "TOKEN" }, html("café ☕", "TOKEN"));
  cache.remember({ key: "b", token: "TOKEN" }, html("entry b", "TOKEN"));
  const page = new PageBytes();
  const first = page.place(cache.get({ key: "a", token: "Mine" })!);
  const second = page.place(cache.get({ key: "b", token: "Mine" })!);
  const forged = String(first).replace(/:\d+-->$/, ":1-->").replace(/[0-9a-f]{8}-/, "00000000-");
  const assembled = page.assemble(`<main>é ${second} | ${first} ${forged}</main>`).toString();
  t.is(assembled, `<main>é ${html("entry b", "Mine")} | ${html("café ☕", "Mine")} ${forged}</main>`);
  t.is(new PageBytes().assemble("<p>plain ✓</p>").toString(), "<p>plain ✓</p>");
});
