import test from "ava";
import { QueryTypes } from "sequelize";
import { postMultipart, zipArchive, type TestFile } from "../../../test/attachments/helpers.ts";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { queueDrained, waitUntil } from "../../../test/notifications/helpers.ts";
import { addMember, createGroup } from "../../groups/test/helpers.ts";
import { workerLimits } from "../isolated.ts";
import { onePagePdf } from "./pdf-fixture.ts";

// Text extraction and PDF previews run in a worker thread with a capped heap and a clock: a hostile file
// (a zip bomb whose text hangs the tag stripping, a part that exhausts the heap, a PDF page miles long)
// ends with the file listed, no text or preview, the server answering, and the next file extracted as usual.
// The limits are lowered here (the app runs in this process) to meet them in seconds.

let app: TestApp;
let member: { client: Client; userId: number };
let docs: string;
const defaults = { ...workerLimits };

test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  const admin = (await app.signedIn("admin")).client;
  const owner = await app.signedIn("member", { displayName: "Olivia Owner" });
  member = await app.signedIn("member", { displayName: "Max Member" });
  if ((await admin.post("/admin/modules/groups/enable", { state: "enabled" })).status !== 302) throw new Error("groups");
  const group = await createGroup(owner.client, { name: "Archive", visibility: "private" });
  if ((await admin.post("/admin/modules/documents/enable", { state: "enabled" })).status !== 302) throw new Error("documents");
  await addMember(group.id, member.userId, "member");
  await waitUntil(async () => (await owner.client.get(`${group.url}/modules`)).status === 200, "the group's modules page");
  if ((await owner.client.post(`${group.url}/modules/documents`, { state: "enabled" })).status !== 302) throw new Error("group switch");
  docs = `${group.url}/documents`;
});
test.afterEach.always(() => Object.assign(workerLimits, defaults));
test.after.always(() => app?.close());

const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });
const upload = (files: TestFile[]) => postMultipart(member.client, `${docs}/upload`, { folder: "", note: "" }, files);
const versionOf = async (name: string) =>
  (await sql<{ extracted_text: string | null; preview_file_id: number | null }>("SELECT extracted_text, preview_file_id FROM documents_versions WHERE doc_name = :name", { name }))[0];

const contentTypes = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const word = (xml: string) => zipArchive({ "[Content_Types].xml": contentTypes, "word/document.xml": xml });
const paragraph = (words: string) => `<w:document><w:body><w:p><w:r><w:t>${words}</w:t></w:r></w:p></w:body></w:document>`;

/** The server answers, and its folder lists the file. */
async function listed(t: { true(value: boolean, message?: string): void; is(a: unknown, b: unknown, message?: string): void }, name: string) {
  const page = await member.client.get(docs);
  t.is(page.status, 200, "the server is alive");
  t.true(page.text.includes(name), `${name} is listed`);
}

test.serial("a zip bomb whose text never finishes parsing is stopped by the clock: listed, no text; the next file is read", async (t) => {
  workerLimits.ms = 3000;
  // 2 MB of "<" without a ">": stripping its tags takes hours (quadratic), inside a small zip.
  t.is((await upload([{ name: "bomb.docx", data: word(`<w:document>${"<".repeat(2_000_000)}`) }])).status, 302);
  const started = Date.now();
  await queueDrained(30_000);
  t.true(Date.now() - started < 30_000, "ended by the worker's clock, not run to its end (hours)");
  const bomb = await versionOf("bomb.docx");
  t.is(bomb.extracted_text, "", "extracted as nothing");
  t.is(bomb.preview_file_id, null);
  await listed(t, "bomb.docx");
  workerLimits.ms = defaults.ms;
  t.is((await upload([{ name: "after.docx", data: word(paragraph("Lighthouse keepers' rota")) }])).status, 302);
  await queueDrained(30_000);
  t.is((await versionOf("after.docx")).extracted_text, "Lighthouse keepers' rota", "the next extraction works");
});

test.serial("a file whose text exhausts the worker's heap ends the worker only: listed, no text; the next file is read", async (t) => {
  workerLimits.heapMb = 32;
  // 7.5 MB of paragraphs (within the 8 MB read from one office file): their copies pass a 32 MB heap.
  t.is((await upload([{ name: "heavy.docx", data: word(`<w:document>${"<w:p>abc &amp; déf</w:p>".repeat(300_000)}</w:document>`) }])).status, 302);
  await queueDrained(30_000);
  t.is((await versionOf("heavy.docx")).extracted_text, "");
  await listed(t, "heavy.docx");
  t.is((await upload([{ name: "next.docx", data: word(paragraph("Harbour tide tables")) }])).status, 302);
  await queueDrained(30_000);
  t.is((await versionOf("next.docx")).extracted_text, "Harbour tide tables");
  workerLimits.heapMb = defaults.heapMb;
  t.is((await upload([{ name: "heavy-again.docx", data: word(`<w:document>${"<w:p>abc &amp; déf</w:p>".repeat(300_000)}</w:document>`) }])).status, 302);
  await queueDrained(30_000);
  t.is((await versionOf("heavy-again.docx")).extracted_text?.slice(0, 12), "abc & déf\nab", "the same file within the real cap is read");
});

test.serial("a PDF page miles long is drawn within a bounded size, and its text is read", async (t) => {
  t.is((await upload([{ name: "scroll.pdf", data: onePagePdf("Endless scroll", { width: 400, height: 14_000_000, at: [0, 10] }) }])).status, 302);
  await queueDrained(30_000);
  const scroll = await versionOf("scroll.pdf");
  t.is(scroll.extracted_text, "Endless scroll");
  t.truthy(scroll.preview_file_id, "its first page is drawn");
  const [image] = await sql<{ width: number; height: number }>("SELECT width, height FROM module_files WHERE id = :id", { id: scroll.preview_file_id });
  t.true(image.height <= 3200 && image.width <= 800, `drawn ${image.width}×${image.height}`);
  await listed(t, "scroll.pdf");
});
