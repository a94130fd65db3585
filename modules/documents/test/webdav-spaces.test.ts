import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { addMember, createGroup, type CreatedGroup } from "../../groups/test/helpers.ts";
import { statementsOfRequest } from "../../../test/helpers/queries.ts";
import { davPerson, davRequest, davStage, lockinfo, sqlOf, tokenOf, windowsTimes, type DavPerson } from "./webdav-helpers.ts";

// WebDAV answers from the pages' checks: an archived group is read only over WebDAV too (every write 403, every
// read as before), and folders for moderators only are invisible to everyone else (not listed, 404 to open). The
// top of the drive: the company space as "_company" (a group may be called "company"), in a fixed number of queries.

let app: TestApp;
let owner: DavPerson; // the groups' owner: a moderator
let member: DavPerson;
let archived: CreatedGroup;
let handbook: CreatedGroup;
let sql: ReturnType<typeof sqlOf>;

test.before(async () => {
  app = await startApp();
  sql = sqlOf(app);
  ({ owner, members: [member], groups: [archived, handbook] } = await davStage(app, ["Old Project", "Handbook"], ["Max Member"]));
});
test.after.always(async () => {
  await app?.close();
});

const dav = (...args: Parameters<typeof davRequest> extends [string, ...infer Rest] ? Rest : never) => davRequest(app.url, ...args);
const live = async (containerId: number) =>
  (await sql<{ name: string }>("SELECT name FROM documents WHERE container_id = :id AND deleted_at IS NULL ORDER BY name", { id: containerId })).map((row) => row.name);

test.serial("an archived group over WebDAV: listed and read as before; PUT, MKCOL, MOVE, DELETE, LOCK, PROPPATCH refused (403)", async (t) => {
  const base = `/dav/documents/${archived.slug}`;
  t.is((await dav("MKCOL", `${base}/Minutes`, owner)).status, 201);
  t.is((await dav("PUT", `${base}/Minutes/first.txt`, member, {}, "kept")).status, 201);
  t.is((await dav("PUT", `${base}/plan.txt`, owner, {}, "the plan")).status, 201);
  t.is((await owner.client.post(`${archived.url}/archive`, {})).status, 302);

  for (const who of [owner, member]) {
    const root = await dav("PROPFIND", "/dav/documents/", who, { depth: "1" });
    t.true(root.text.includes(`<d:href>${base}/</d:href>`), "still listed");
    const listing = await dav("PROPFIND", `${base}/`, who, { depth: "1" });
    t.is(listing.status, 207);
    t.true(listing.text.includes(`<d:href>${base}/plan.txt</d:href>`) && listing.text.includes(`<d:href>${base}/Minutes/</d:href>`));
    t.is((await dav("GET", `${base}/Minutes/first.txt`, who)).text, "kept");
  }
  // The owner, a moderator who may do everything in a live group, and the file's own uploader: refused alike.
  for (const who of [owner, member]) {
    t.is((await dav("PUT", `${base}/plan.txt`, who, {}, "changed")).status, 403);
    t.is((await dav("PUT", `${base}/new.txt`, who, {}, "new")).status, 403);
    t.is((await dav("PUT", `${base}/Minutes/first.txt`, who, {}, "changed")).status, 403);
    t.is((await dav("MKCOL", `${base}/Another`, who)).status, 403);
    t.is((await dav("MOVE", `${base}/plan.txt`, who, { destination: `${base}/renamed.txt` })).status, 403);
    t.is((await dav("MOVE", `${base}/Minutes`, who, { destination: `${base}/Renamed` })).status, 403);
    t.is((await dav("DELETE", `${base}/Minutes/first.txt`, who)).status, 403);
    t.is((await dav("DELETE", `${base}/Minutes`, who)).status, 403);
    t.is((await dav("LOCK", `${base}/plan.txt`, who, {}, lockinfo())).status, 403);
    t.is((await dav("PROPPATCH", `${base}/plan.txt`, who, {}, windowsTimes)).status, 403);
  }
  t.deepEqual(await live(archived.id), ["first.txt", "plan.txt"]);
  t.deepEqual((await sql<{ name: string }>("SELECT name FROM documents_folders WHERE container_id = :id", { id: archived.id })).map((row) => row.name), ["Minutes"]);
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_versions v JOIN documents d ON d.id = v.document_id WHERE d.container_id = :id", { id: archived.id }))[0].n), 2);
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_dav_locks"))[0].n), 0);
  t.is((await dav("GET", `${base}/plan.txt`, member)).text, "the plan");
});

test.serial("a folder for moderators only: not listed, 404 to read or write under it for members; moderators see and open it", async (t) => {
  const base = `/dav/documents/${handbook.slug}`;
  t.is((await dav("MKCOL", `${base}/Board`, owner)).status, 201);
  t.is((await dav("MKCOL", `${base}/Board/Salaries`, owner)).status, 201);
  t.is((await dav("PUT", `${base}/Board/minutes.txt`, owner, {}, "confidential")).status, 201);
  t.is((await dav("PUT", `${base}/Board/Salaries/2027.txt`, owner, {}, "numbers")).status, 201);
  t.is((await dav("PUT", `${base}/open.txt`, member, {}, "for all")).status, 201);
  const [board] = await sql<{ id: number }>("SELECT id FROM documents_folders WHERE name = 'Board'");
  t.is((await owner.client.post(`${handbook.url}/documents/f/${board.id}/restrict`, { restricted: "1" })).status, 302);

  const listing = await dav("PROPFIND", `${base}/`, member, { depth: "1" });
  t.is(listing.status, 207);
  t.true(listing.text.includes(`${base}/open.txt`));
  t.false(listing.text.includes("Board"), "not listed");
  for (const path of ["Board/", "Board", "Board/minutes.txt", "Board/Salaries/", "Board/Salaries/2027.txt"]) {
    t.is((await dav("PROPFIND", `${base}/${path}`, member, { depth: "0" })).status, 404, `PROPFIND ${path}`);
  }
  for (const path of ["Board/minutes.txt", "Board/Salaries/2027.txt"]) {
    const got = await dav("GET", `${base}/${path}`, member);
    t.is(got.status, 404, `GET ${path}`);
    t.false(got.text.includes("confidential") || got.text.includes("numbers"));
    t.is((await dav("HEAD", `${base}/${path}`, member)).status, 404);
  }
  // Writes under it answer as under a folder that does not exist; nothing is written, nothing moves.
  t.is((await dav("PUT", `${base}/Board/minutes.txt`, member, {}, "overwritten")).status, 409);
  t.is((await dav("PUT", `${base}/Board/new.txt`, member, {}, "new")).status, 409);
  t.is((await dav("DELETE", `${base}/Board/minutes.txt`, member)).status, 404);
  t.is((await dav("MOVE", `${base}/open.txt`, member, { destination: `${base}/Board/open.txt` })).status, 409);
  t.is((await dav("LOCK", `${base}/Board/minutes.txt`, member, {}, lockinfo())).status, 409);
  t.is((await dav("PROPPATCH", `${base}/Board/minutes.txt`, member, {}, windowsTimes)).status, 404);
  t.deepEqual(await live(handbook.id), ["2027.txt", "minutes.txt", "open.txt"]);
  t.is(Number((await sql<{ n: number }>("SELECT COUNT(*) AS n FROM documents_versions"))[0].n), 5, "no version added");

  // The owner, a moderator: listed, opened, read.
  const seen = await dav("PROPFIND", `${base}/`, owner, { depth: "1" });
  t.true(seen.text.includes(`<d:href>${base}/Board/</d:href>`));
  t.true((await dav("PROPFIND", `${base}/Board/`, owner, { depth: "1" })).text.includes(`<d:href>${base}/Board/Salaries/</d:href>`));
  t.is((await dav("GET", `${base}/Board/Salaries/2027.txt`, owner)).text, "numbers");
});

test.serial("the company space is \"_company\"; a group whose address is \"company\" is reachable; the old \"company\" address works until then", async (t) => {
  // Before any group takes the address, the old name still opens the company space, with the same locks.
  t.is((await dav("PUT", "/dav/documents/company/Holidays.txt", member, {}, "holidays")).status, 201);
  const [holidays] = await sql<{ container_type: string }>("SELECT container_type FROM documents WHERE name = 'Holidays.txt'");
  t.is(holidays.container_type, "company");
  t.is((await dav("GET", "/dav/documents/_company/Holidays.txt", owner)).text, "holidays");
  const locked = await dav("LOCK", "/dav/documents/_company/Holidays.txt", member, {}, lockinfo());
  t.is(locked.status, 200);
  t.is((await dav("PUT", "/dav/documents/company/Holidays.txt", member, {}, "no token")).status, 423, "one lock, whichever address");
  t.is((await dav("PUT", "/dav/documents/company/Holidays.txt", member, { if: `(<${tokenOf(locked)}>)` }, "holidays 2027")).status, 204);
  t.is((await dav("UNLOCK", "/dav/documents/_company/Holidays.txt", member, { "lock-token": `<${tokenOf(locked)}>` })).status, 204);

  // A group called Company takes the address "company": its documents are there, the company space stays at _company.
  const group = await createGroup(owner.client, { name: "Company", visibility: "private" });
  t.is(group.slug, "company");
  await addMember(group.id, member.userId, "member");
  t.is((await owner.client.post(`${group.url}/modules/documents`, { state: "enabled" })).status, 302);
  const root = await dav("PROPFIND", "/dav/documents/", member, { depth: "1" });
  t.true(root.text.includes("<d:href>/dav/documents/_company/</d:href>") && root.text.includes("<d:href>/dav/documents/company/</d:href>"));
  t.is((await dav("PUT", "/dav/documents/company/Team.txt", member, {}, "the group's")).status, 201);
  const [team] = await sql<{ container_type: string; container_id: number }>("SELECT container_type, container_id FROM documents WHERE name = 'Team.txt'");
  t.deepEqual({ ...team, container_id: Number(team.container_id) }, { container_type: "group", container_id: group.id });
  const listing = await dav("PROPFIND", "/dav/documents/company/", member, { depth: "1" });
  t.true(listing.text.includes("/dav/documents/company/Team.txt") && !listing.text.includes("Holidays.txt"));
  t.is((await dav("GET", "/dav/documents/_company/Holidays.txt", member)).text, "holidays 2027");
  t.is((await dav("GET", "/dav/documents/company/Holidays.txt", member)).status, 404, "the group's space has no such file");
  // Someone outside the group: "company" is not theirs, and they never see a secret group's documents through it.
  const outsider = await davPerson(app, "Otto Outsider");
  t.is((await dav("PROPFIND", "/dav/documents/company/", outsider, { depth: "0" })).status, 207, "the old address, for them still the company space");
  t.false((await dav("PROPFIND", "/dav/documents/company/", outsider, { depth: "1" })).text.includes("Team.txt"));
});

test.serial("the top of the drive lists a person's spaces in the same number of queries for 2 groups as for 9", async (t) => {
  const person = await davPerson(app, "Gina Groups");
  const join = async (name: string, documentsOn = true) => {
    const group = await createGroup(owner.client, { name, visibility: "private" });
    await addMember(group.id, person.userId, "member");
    if (documentsOn) t.is((await owner.client.post(`${group.url}/modules/documents`, { state: "enabled" })).status, 302);
    return group;
  };
  const first = [await join("Alpha Team"), await join("Beta Team")];
  const count = async () => {
    let listed = "";
    const statements = await statementsOfRequest(app, async () => {
      listed = (await dav("PROPFIND", "/dav/documents/", person, { depth: "1" })).text;
    });
    return { statements: statements.length, listed };
  };
  const before = await count();
  for (const group of first) t.true(before.listed.includes(`<d:href>/dav/documents/${group.slug}/</d:href>`));
  const more = [];
  for (const name of ["Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota"]) more.push(await join(`${name} Team`));
  const quiet = await join("Quiet Team", false); // documents off there: not listed
  const after = await count();
  for (const group of [...first, ...more]) t.true(after.listed.includes(`<d:href>/dav/documents/${group.slug}/</d:href>`), group.slug);
  t.false(after.listed.includes(quiet.slug));
  t.true(after.listed.includes("<d:href>/dav/documents/_company/</d:href>"));
  t.is(after.statements, before.statements, `${before.statements} statements for 2 groups, ${after.statements} for 9`);
  t.true(after.statements <= 12, `${after.statements} statements`);

  // A group whose moderators took documents.view from members: not listed for a member (the same rule as core's).
  const closed = await join("Closed Team");
  t.is((await owner.client.post(`${closed.url}/permissions`, { "p.documents.view": ["admin", "moderator"], "p.documents.upload": ["admin", "moderator", "member"] })).status, 302);
  const [row] = await sql<{ roles: string }>("SELECT roles FROM group_permissions WHERE group_id = :id AND permission_id = 'documents.view'", { id: closed.id });
  t.truthy(row, "the group's own roles for documents.view are saved");
  t.false((await count()).listed.includes(closed.slug));
  t.is((await dav("PROPFIND", `/dav/documents/${closed.slug}/`, person, { depth: "0" })).status, 404);
});
