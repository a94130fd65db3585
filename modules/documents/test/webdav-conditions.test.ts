import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { CreatedGroup } from "../../groups/test/helpers.ts";
import { davRequest, davStage, lockinfo, sqlOf, tokenOf, type DavPerson } from "./webdav-helpers.ts";

// Conditional WebDAV requests: entity tags on GET, HEAD and PROPFIND that change with the content; If-Match and
// If-None-Match on writes; the If header (RFC 4918 §10.4) with untagged and tagged lists, lock tokens, entity tags
// and Not. A condition that fails is a 412 with nothing written; a malformed header a 400.

let app: TestApp;
let owner: DavPerson;
let member: DavPerson;
let handbook: CreatedGroup;
let base: string;
let sql: ReturnType<typeof sqlOf>;

test.before(async () => {
  app = await startApp();
  sql = sqlOf(app);
  ({ owner, members: [member], groups: [handbook] } = await davStage(app, ["Handbook"], ["Max Member"]));
  base = `/dav/documents/${handbook.slug}`;
});
test.after.always(async () => {
  await app?.close();
});

const dav = (...args: Parameters<typeof davRequest> extends [string, ...infer Rest] ? Rest : never) => davRequest(app.url, ...args);
const getetag = async (name: string) => /<d:getetag>([^<]*)<\/d:getetag>/.exec((await dav("PROPFIND", `${base}/${name}`, member, { depth: "0" })).text)?.[1] ?? null;
const versionCount = async () => Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_versions"))[0].n);
const contentOf = async (name: string) => (await dav("GET", `${base}/${name}`, owner)).text;

test.serial("entity tags: GET, HEAD and PROPFIND agree, and change when the content does", async (t) => {
  t.is((await dav("PUT", `${base}/Report.txt`, owner, {}, "first")).status, 201);
  const got = await dav("GET", `${base}/Report.txt`, member);
  const etag = got.headers.get("etag");
  t.regex(etag ?? "", /^"v[0-9]+"$/);
  t.is((await dav("HEAD", `${base}/Report.txt`, member)).headers.get("etag"), etag);
  t.is(await getetag("Report.txt"), etag, "PROPFIND's getetag is GET's ETag");
  const listed = await dav("PROPFIND", `${base}/`, member, { depth: "1" });
  t.true(listed.text.includes(`<d:getetag>${etag}</d:getetag>`));
  // (fetch adds "Cache-Control: no-cache" to a conditional request unless told otherwise; a WebDAV client does not.)
  t.is((await dav("GET", `${base}/Report.txt`, member, { "if-none-match": etag!, "cache-control": "max-age=0" })).status, 304);

  t.is((await dav("PUT", `${base}/Report.txt`, owner, {}, "second")).status, 204);
  const changed = (await dav("GET", `${base}/Report.txt`, member)).headers.get("etag");
  t.not(changed, etag);
  t.is(await getetag("Report.txt"), changed);
  t.is((await dav("GET", `${base}/Report.txt`, member, { "if-none-match": etag!, "cache-control": "max-age=0" })).status, 200, "the old tag no longer matches");
  t.is((await dav("GET", `${base}/Report.txt`, member, { "if-match": etag! })).status, 412);
});

test.serial("If-Match and If-None-Match on PUT, DELETE: a tag that does not match is a 412 and nothing is written", async (t) => {
  const etag = (await getetag("Report.txt"))!;
  const versions = await versionCount();
  t.is((await dav("PUT", `${base}/Report.txt`, owner, { "if-match": '"v999999"' }, "lost update")).status, 412);
  t.is((await dav("PUT", `${base}/Report.txt`, owner, { "if-none-match": "*" }, "overwrite")).status, 412, "If-None-Match: * refuses overwriting");
  t.is((await dav("PUT", `${base}/Report.txt`, owner, { "if-none-match": etag }, "overwrite")).status, 412);
  t.is(await versionCount(), versions);
  t.is(await contentOf("Report.txt"), "second");
  t.is((await dav("PUT", `${base}/Report.txt`, owner, { "if-match": `"v1", ${etag}` }, "third")).status, 204, "one of the listed tags matches");
  t.is(await contentOf("Report.txt"), "third");

  t.is((await dav("PUT", `${base}/New.txt`, owner, { "if-match": "*" }, "x")).status, 412, "If-Match: * needs a file there");
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents WHERE name = 'New.txt'"))[0].n), 0);
  t.is((await dav("PUT", `${base}/New.txt`, owner, { "if-none-match": "*" }, "x")).status, 201, "If-None-Match: * creates");
  t.is((await dav("DELETE", `${base}/New.txt`, owner, { "if-match": etag })).status, 412);
  const [kept] = await sql<{ deleted_at: unknown }>("SELECT deleted_at FROM documents WHERE name = 'New.txt'");
  t.is(kept.deleted_at, null);
  t.is((await dav("DELETE", `${base}/New.txt`, owner, { "if-match": (await getetag("New.txt"))! })).status, 204);
});

test.serial("the If header: untagged and tagged lists, lock tokens, entity tags, Not; 412 and nothing written when none holds", async (t) => {
  const etag = (await getetag("Report.txt"))!;
  const versions = await versionCount();
  const put = (ifHeader: string, body: string, who = owner, name = "Report.txt") => dav("PUT", `${base}/${name}`, who, { if: ifHeader }, body);

  // Unlocked: an unknown token or another tag fails; the current tag, or Not of what is not there, holds.
  t.is((await put("(<urn:uuid:6b1e1b0e-0000-4000-8000-000000000000>)", "unknown token")).status, 412);
  t.is((await put('(["v424242"])', "old tag")).status, 412);
  t.is((await put('(W/"' + etag.slice(1) + ")", "weak")).status, 400, "not an If list: malformed");
  t.is((await put(`([W/${etag}])`, "weak tag")).status, 412, "a weak tag never matches (strong comparison)");
  t.is(await versionCount(), versions, "nothing written");
  t.is((await put(`([${etag}])`, "fourth")).status, 204);
  const fourth = (await getetag("Report.txt"))!;
  t.is((await put("(Not <DAV:no-lock>)", "fifth")).status, 204, "no resource has DAV:no-lock");
  t.is((await put(`(<urn:uuid:6b1e1b0e-0000-4000-8000-000000000000>) ([${fourth}])`, "stale")).status, 412, "the tag has changed since");
  t.is((await put("(<urn:uuid:6b1e1b0e-0000-4000-8000-000000000000>) (Not <DAV:no-lock>)", "sixth")).status, 204, "one list of two holds");
  t.is(await contentOf("Report.txt"), "sixth");

  // Locked by the owner: their token with the current tag holds, with an old tag fails; another file's tag fails.
  t.is((await dav("PUT", `${base}/Other.txt`, owner, {}, "other")).status, 201);
  const locked = await dav("LOCK", `${base}/Report.txt`, owner, {}, lockinfo());
  const token = tokenOf(locked);
  const current = (await getetag("Report.txt"))!;
  const url = `${app.url}${base}/Report.txt`;
  const other = `${app.url}${base}/Other.txt`;
  const before = await versionCount();
  t.is((await put(`(<${token}> [${fourth}])`, "old tag")).status, 412);
  t.is((await put(`<${other}> (<${token}>)`, "token tagged to another file")).status, 412, "the tagged file has no such lock");
  t.is((await put(`<${url}> (<${token}> [${current}])`, "x")).status, 204, "tagged to the file, token and tag both hold");
  t.is((await put(`<${url}> (Not <${token}>)`, "not mine")).status, 412);
  t.is((await put(`<${other}> ([${(await getetag("Other.txt"))!}]) <${url}> (<${token}>)`, "y")).status, 204, "two tagged resources: the second list holds");
  t.is(await versionCount(), before + 2);
  t.is(await contentOf("Report.txt"), "y");

  // The member holds nothing: even a condition that holds does not pass the owner's lock.
  t.is((await put(`(Not <DAV:no-lock>)`, "member", member)).status, 423);
  t.is((await put(`(<${token}>)`, "member", member)).status, 423, "another person's token");

  // Other methods: MKCOL, DELETE, PROPPATCH, MOVE answer the same conditions.
  t.is((await dav("MKCOL", `${base}/Folder`, owner, { if: "(<urn:uuid:6b1e1b0e-0000-4000-8000-000000000000>)" })).status, 412);
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_folders"))[0].n), 0);
  t.is((await dav("DELETE", `${base}/Other.txt`, owner, { if: '(["v1"])' })).status, 412);
  t.is((await dav("MOVE", `${base}/Other.txt`, owner, { destination: `${base}/Moved.txt`, if: '(["v1"])' })).status, 412);
  t.deepEqual((await sql<{ name: string }>("SELECT name FROM documents WHERE deleted_at IS NULL ORDER BY name")).map((row) => row.name), ["Other.txt", "Report.txt"]);
  t.is((await dav("UNLOCK", `${base}/Report.txt`, owner, { "lock-token": `<${token}>` })).status, 204);

  // Malformed headers: 400, nothing written.
  for (const header of ["(<urn:x>", "garbage", "<http://x/a>", "()", "(Not)", '(["unquoted])', "(<a>) <http://x/b> (<c>)"]) t.is((await put(header, "bad")).status, 400, header);
  t.is(await contentOf("Report.txt"), "y");
});
