import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";

// WebDAV class 2 over HTTP: exclusive locks on files, folders and new names, refresh, UNLOCK, expiry, the 423s a
// lock brings to everyone else (and to its owner without the token), and PROPFIND's prop / allprop / propname.

type Person = { userId: number; username: string; token: string; client: Awaited<ReturnType<TestApp["signedIn"]>>["client"] };
let app: TestApp;
let owner: Person;
let member: Person;
let handbook: CreatedGroup;
let base: string;

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });

async function person(name: string): Promise<Person> {
  const signed = await app.signedIn("member", { displayName: name });
  const created = await signed.client.post("/documents/app-passwords", { name: "Finder" });
  const token = /<code class="documents-token">([A-Za-z0-9_-]{43})<\/code>/.exec(created.text)?.[1];
  if (!token) throw new Error("no app password");
  const [user] = await sql<{ username: string }>("SELECT username FROM users WHERE id = :id", { id: signed.userId });
  return { ...signed, username: user.username, token };
}

test.before(async () => {
  app = await startApp();
  const siteAdmin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "documents"]) if ((await siteAdmin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(id);
  const first = await person("Olivia Owner");
  const second = await person("Max Member");
  owner = first;
  member = second;
  handbook = await createGroup(first.client, { name: "Handbook", visibility: "private" });
  await addMember(handbook.id, member.userId, "member");
  if ((await first.client.post(`${handbook.url}/modules/documents`, { state: "enabled" })).status !== 302) throw new Error("switch");
  base = `/dav/documents/${handbook.slug}`;
});
test.after.always(async () => {
  await app?.close();
});

const basic = (who: Pick<Person, "username" | "token">) => `Basic ${Buffer.from(`${who.username}:${who.token}`).toString("base64")}`;
async function dav(method: string, url: string, who: Person, headers: Record<string, string> = {}, body?: string) {
  const response = await fetch(app.url + url, { method, headers: { authorization: basic(who), ...headers }, body, redirect: "manual" });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
const lockinfo = (scope = "exclusive") =>
  `<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:${scope}/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>http://www.apple.com/webdav_fs/</D:href></D:owner></D:lockinfo>`;
const tokenOf = (response: { headers: Headers }) => /^<(urn:uuid:[0-9a-f-]{36})>$/.exec(response.headers.get("lock-token") ?? "")?.[1] ?? "";
const contentOf = async (name: string) => (await dav("GET", `${base}/${name}`, owner)).text;
const lockRows = () => sql<{ user_id: number; path_key: string; token: string }>("SELECT user_id, path_key, token FROM documents_dav_locks ORDER BY id");

test.serial("a file locked by one person: others get 423, its owner writes with the token, refresh, UNLOCK", async (t) => {
  const options = await fetch(`${app.url}/dav/documents/`, { method: "OPTIONS" });
  t.is(options.headers.get("dav"), "1, 2");
  t.regex(options.headers.get("allow") ?? "", /LOCK, UNLOCK/);

  t.is((await dav("PUT", `${base}/Report.txt`, owner, {}, "first")).status, 201);
  const locked = await dav("LOCK", `${base}/Report.txt`, owner, { timeout: "Second-600", "content-type": "application/xml" }, lockinfo());
  t.is(locked.status, 200);
  const token = tokenOf(locked);
  t.truthy(token, "a Lock-Token header");
  t.true(locked.text.includes(`<d:locktoken><d:href>${token}</d:href></d:locktoken>`));
  t.regex(locked.text, /<d:timeout>Second-(600|599)<\/d:timeout>/);
  t.true(locked.text.includes("<d:owner><d:href>http://www.apple.com/webdav_fs/</d:href></d:owner>"));
  t.true(locked.text.includes(`<d:lockroot><d:href>${base}/Report.txt</d:href></d:lockroot>`));
  t.deepEqual((await lockRows()).map((row) => ({ ...row, user_id: Number(row.user_id) })), [{ user_id: owner.userId, path_key: `group:${handbook.id}/report.txt`, token }], "kept in the table every process reads (the space by its type and id)");

  // Everyone else: 423, even with the owner's token; nothing written.
  t.is((await dav("PUT", `${base}/Report.txt`, member, {}, "member's")).status, 423);
  t.is((await dav("PUT", `${base}/report.TXT`, member, { if: `(<${token}>)` }, "member's")).status, 423, "another person's token, another case of the name");
  t.is((await dav("LOCK", `${base}/Report.txt`, member, {}, lockinfo())).status, 423, "a second exclusive lock");
  t.is((await dav("LOCK", `${base}/Report.txt`, member, { if: `(<${token}>)` })).status, 412, "nobody else refreshes it");
  t.is((await dav("UNLOCK", `${base}/Report.txt`, member, { "lock-token": `<${token}>` })).status, 403, "nobody else unlocks it");
  t.is(await contentOf("Report.txt"), "first");
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_versions"))[0].n), 1);

  // Its owner: without the token 423 too (another program of theirs), with it the save goes through.
  t.is((await dav("PUT", `${base}/Report.txt`, owner, {}, "no token")).status, 423);
  t.is((await dav("DELETE", `${base}/Report.txt`, owner)).status, 423);
  t.is((await dav("MOVE", `${base}/Report.txt`, owner, { destination: `${base}/Moved.txt` })).status, 423);
  const times = `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:schemas-microsoft-com:"><D:set><D:prop><Z:Win32LastModifiedTime>Sat, 05 Dec 2026 12:00:00 GMT</Z:Win32LastModifiedTime></D:prop></D:set></D:propertyupdate>`;
  t.is((await dav("PROPPATCH", `${base}/Report.txt`, member, {}, times)).status, 423);
  t.is((await dav("PROPPATCH", `${base}/Report.txt`, owner, {}, times)).status, 423);
  const patched = await dav("PROPPATCH", `${base}/Report.txt`, owner, { if: `(<${token}>)` }, times);
  t.is(patched.status, 207, "with the token: answered, each property refused (none are kept)");
  t.true(patched.text.includes(`<d:prop><x:Win32LastModifiedTime xmlns:x="urn:schemas-microsoft-com:"/></d:prop><d:status>HTTP/1.1 403 Forbidden</d:status>`));
  t.is((await dav("PUT", `${base}/Report.txt`, owner, { if: `(<urn:uuid:00000000-0000-0000-0000-000000000000>)` }, "wrong token")).status, 412, "a token of no lock here: the If header fails");
  t.is((await dav("PUT", `${base}/Report.txt`, owner, { if: `<${app.url}${base}/Report.txt> (<${token}>)` }, "second")).status, 204, "a tagged If list");
  t.is(await contentOf("Report.txt"), "second");
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_versions"))[0].n), 2, "a new version, as without locks");

  // Refresh: no body, the token in If, a new timeout (capped at four hours).
  const before = (await sql<{ expires_at: string }>("SELECT expires_at FROM documents_dav_locks"))[0].expires_at;
  const refreshed = await dav("LOCK", `${base}/Report.txt`, owner, { if: `(<${token}>)`, timeout: "Infinite, Second-4100000000" });
  t.is(refreshed.status, 200);
  t.regex(refreshed.text, /<d:timeout>Second-(14400|14399)<\/d:timeout>/);
  t.is(refreshed.headers.get("lock-token"), null);
  const after = (await sql<{ expires_at: string }>("SELECT expires_at FROM documents_dav_locks"))[0].expires_at;
  t.true(new Date(after).getTime() > new Date(before).getTime() + 3 * 3600 * 1000);

  // PROPFIND shows the lock to every reader (the token alone lets nobody else write).
  const found = await dav("PROPFIND", `${base}/`, member, { depth: "1" }, `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:lockdiscovery/><d:supportedlock/></d:prop></d:propfind>`);
  t.is(found.status, 207);
  t.true(found.text.includes(`<d:href>${token}</d:href>`));
  t.true(found.text.includes("<d:supportedlock><d:lockentry><d:lockscope><d:exclusive/></d:lockscope>"));

  t.is((await dav("UNLOCK", `${base}/Report.txt`, owner, { "lock-token": "<urn:uuid:00000000-0000-0000-0000-000000000000>" })).status, 409);
  t.is((await dav("UNLOCK", `${base}/Report.txt`, owner, { "lock-token": token })).status, 400, "no angle brackets");
  t.is((await dav("UNLOCK", `${base}/Report.txt`, owner, { "lock-token": `<${token}>` })).status, 204);
  t.is((await lockRows()).length, 0);
  t.is((await dav("PUT", `${base}/Report.txt`, member, {}, "member's")).status, 204, "unlocked: the member saves");
  t.is(await contentOf("Report.txt"), "member's");
});

test.serial("expiry, folders with depth infinity, a name not used yet, delete ends the lock, bad requests", async (t) => {
  // A one-second lock is over after a second: the table's time decides, no sweeper needed.
  const short = await dav("LOCK", `${base}/Report.txt`, owner, { timeout: "Second-1" }, lockinfo());
  t.is(short.status, 200);
  t.is((await dav("PUT", `${base}/Report.txt`, member, {}, "too soon")).status, 423);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  t.is((await dav("PUT", `${base}/Report.txt`, member, {}, "later")).status, 204);
  t.is((await dav("UNLOCK", `${base}/Report.txt`, owner, { "lock-token": `<${tokenOf(short)}>` })).status, 409, "an expired lock is gone");

  // A folder: everything under it is locked, new names too.
  t.is((await dav("MKCOL", `${base}/Minutes`, owner)).status, 201);
  t.is((await dav("LOCK", `${base}/Minutes/`, member, {}, lockinfo())).status, 403, "a member does not manage folders");
  const folder = await dav("LOCK", `${base}/Minutes/`, owner, {}, lockinfo());
  t.is(folder.status, 200);
  t.true(folder.text.includes("<d:depth>infinity</d:depth>"));
  t.is((await dav("PUT", `${base}/Minutes/new.txt`, member, {}, "x")).status, 423);
  t.is((await dav("LOCK", `${base}/Minutes/new.txt`, member, {}, lockinfo())).status, 423, "a lock inside a locked folder");
  t.is((await dav("PUT", `${base}/Minutes/new.txt`, owner, { if: `(<${tokenOf(folder)}>)` }, "x")).status, 201);
  t.is((await dav("DELETE", `${base}/Minutes`, owner)).status, 423);
  t.is((await dav("DELETE", `${base}/Minutes`, owner, { if: `(<${tokenOf(folder)}>)` })).status, 204);
  t.is((await lockRows()).length, 0, "deleting the folder ended its lock");

  // A name not used yet: locked (201) without making a file; the owner's first PUT with the token creates it.
  const fresh = await dav("LOCK", `${base}/Draft.txt`, owner, {}, lockinfo());
  t.is(fresh.status, 201);
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents WHERE name = 'Draft.txt'"))[0].n), 0);
  t.is((await dav("PROPFIND", `${base}/Draft.txt`, owner, { depth: "0" })).status, 404);
  t.is((await dav("PUT", `${base}/Draft.txt`, member, {}, "mine")).status, 423);
  t.is((await dav("PUT", `${base}/Draft.txt`, owner, { if: `(<${tokenOf(fresh)}>)` }, "draft")).status, 201);
  t.is((await dav("DELETE", `${base}/Draft.txt`, owner, { if: `(<${tokenOf(fresh)}>)` })).status, 204);
  t.is((await lockRows()).length, 0, "deleting the file ended its lock");
  t.is((await dav("PUT", `${base}/Draft.txt`, member, {}, "mine")).status, 201);

  // A move takes the file away from its lock; the lock ends with it.
  const moving = await dav("LOCK", `${base}/Draft.txt`, member, {}, lockinfo());
  t.is((await dav("MOVE", `${base}/Draft.txt`, member, { destination: `${base}/Final.txt`, if: `(<${tokenOf(moving)}>)` })).status, 201);
  t.is((await lockRows()).length, 0);

  // Deleted or renamed on the web pages: the lock on the old address ends (nobody is blocked until it expires).
  const documentId = async (name: string) => Number((await sql<{ id: number }>("SELECT id FROM documents WHERE name = :name AND deleted_at IS NULL", { name }))[0].id);
  const onPage = await dav("LOCK", `${base}/Final.txt`, member, {}, lockinfo());
  t.is(onPage.status, 200);
  t.is((await member.client.post(`${handbook.url}/documents/d/${await documentId("Final.txt")}/rename`, { name: "Renamed.txt" })).status, 302);
  t.is((await dav("PUT", `${base}/Final.txt`, owner, {}, "a new file there")).status, 201, "the old address is free");
  t.is((await lockRows()).length, 0);
  t.is((await dav("LOCK", `${base}/Final.txt`, owner, {}, lockinfo())).status, 200);
  t.is((await dav("PUT", `${base}/Final.txt`, member, {}, "x")).status, 423);
  t.is((await owner.client.post(`${handbook.url}/documents/d/${await documentId("Final.txt")}/delete`, {})).status, 302);
  t.is((await dav("PUT", `${base}/Final.txt`, member, {}, "after the trash")).status, 201);
  t.is((await lockRows()).length, 0);

  // Refused: shared locks, bodies that are not a lockinfo, not XML, with a DTD, over 64 KB, the spaces themselves.
  t.is((await dav("LOCK", `${base}/Final.txt`, owner, {}, lockinfo("shared"))).status, 412);
  t.is((await dav("LOCK", `${base}/Final.txt`, owner, {}, "<D:lockinfo xmlns:D=\"DAV:\"><D:lockscope>")).status, 400);
  t.is((await dav("LOCK", `${base}/Final.txt`, owner, {}, `<!DOCTYPE x [<!ENTITY a "aaaa">]><D:lockinfo xmlns:D="DAV:"/>`)).status, 400);
  t.is((await dav("LOCK", `${base}/Final.txt`, owner, {}, `<x:lockinfo xmlns:x="urn:other"/>`)).status, 400);
  t.is((await dav("LOCK", `${base}/Final.txt`, owner, {}, `<D:lockinfo xmlns:D="DAV:">${" ".repeat(65 * 1024)}</D:lockinfo>`)).status, 413);
  t.is((await dav("LOCK", `${base}/`, owner, {}, lockinfo())).status, 403);
  t.is((await dav("LOCK", `${base}/..%2Fevil.txt`, owner, {}, lockinfo())).status, 400);
  t.is((await lockRows()).length, 0, "nothing written");
});

test.serial("PROPFIND answers what is asked: prop (404 for unknown ones), allprop, propname", async (t) => {
  const ask = (body: string, url = `${base}/Report.txt`) => dav("PROPFIND", url, member, { depth: "0", "content-type": "application/xml" }, body);
  const prop = await ask(`<?xml version="1.0"?><propfind xmlns="DAV:" xmlns:o="urn:example:office"><prop><displayname/><getcontentlength/><o:Win32FileAttributes/><nosuch/></prop></propfind>`);
  t.is(prop.status, 207);
  t.true(prop.text.includes("<d:propstat><d:prop><d:displayname>Report.txt</d:displayname><d:getcontentlength>5</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>"));
  t.true(prop.text.includes(`<d:propstat><d:prop><x:Win32FileAttributes xmlns:x="urn:example:office"/><d:nosuch/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>`));
  t.false(prop.text.includes("getlastmodified"), "only what was asked");

  const folderProp = await ask(`<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/></d:prop></d:propfind>`, `${base}/`);
  t.true(folderProp.text.includes("<d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK"));
  t.true(folderProp.text.includes("<d:prop><d:getcontentlength/></d:prop><d:status>HTTP/1.1 404 Not Found"), "a folder has no length");

  const all = await ask(`<d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>`);
  for (const name of ["displayname", "getlastmodified", "getcontentlength", "getcontenttype", "getetag", "resourcetype", "supportedlock", "lockdiscovery"]) t.true(all.text.includes(`<d:${name}`), name);
  t.false(all.text.includes("404 Not Found"));
  const empty = await dav("PROPFIND", `${base}/Report.txt`, member, { depth: "0" });
  t.is(empty.text, all.text, "no body is allprop");

  const names = await ask(`<d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>`);
  t.true(names.text.includes("<d:displayname/><d:getlastmodified/><d:resourcetype/><d:getcontentlength/><d:getcontenttype/><d:getetag/><d:supportedlock/><d:lockdiscovery/>"));
  t.false(names.text.includes("Report.txt</d:displayname>"), "names only, no values");

  t.is((await ask("<d:propfind xmlns:d=\"DAV:\"><d:prop>")).status, 400, "not well-formed");
  t.is((await ask("<x:propfind xmlns:x=\"urn:other\"><x:allprop/></x:propfind>")).status, 400, "not a DAV: propfind");
  t.is((await ask("<q:propfind><q:allprop/></q:propfind>")).status, 400, "a prefix never declared");
  t.is((await ask(`<d:propfind xmlns:d="DAV:">${" ".repeat(65 * 1024)}<d:allprop/></d:propfind>`)).status, 413);
});
