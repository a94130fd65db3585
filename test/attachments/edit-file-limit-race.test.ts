import path from "node:path";
import test from "ava";
import { QueryTypes } from "sequelize";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { isPostgres } from "../helpers/database.ts";
import { contentIdOf, filesUnder, pdfDocument, postMultipart, refusedPage } from "./helpers.ts";

// The edit route's file count is only a quick answer: two edits checked against the same count could
// each add files. editPost counts again inside its transaction, where concurrent edits take turns.

let app: TestApp;
test.before(async () => {
  // No job polling during the test: on SQLite a job's write waiting on the held lock would stall every other query.
  app = await startApp({ AGORA_JOBS_POLL_MS: "600000" });
});
test.after.always(() => app?.close());

const storedFiles = () => filesUnder(app.config.uploadsDir).filter((file) => !file.startsWith(`site${path.sep}`) && !file.startsWith(`tmp${path.sep}`));
const temporaryFiles = () => filesUnder(path.join(app.config.uploadsDir, "tmp"));
const pdfs = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => ({ name: `${prefix}-${index}.pdf`, data: pdfDocument(`${prefix} ${index}`) }));
const attachmentsOf = async (contentId: number) => {
  const { Attachment } = await import("../../core/models/attachment.ts");
  return Attachment.findAll({ where: { contentId, commentId: null } });
};
const pathsOf = (attachment: { storageKey: string; thumbnailKey: string | null }) =>
  [attachment.storageKey, attachment.thumbnailKey].filter((key): key is string => Boolean(key)).map((key) => path.join(...key.split("/")));

function postEdit(client: Client, contentId: number, body: string, files: { name: string; data: Buffer }[]) {
  return postMultipart(client, `/c/${contentId}/edit`, { body }, files);
}

async function until(condition: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the job worker has nothing due (the post's own jobs ran) and has gone back to sleep. */
async function jobsSettled() {
  const due = async () => {
    const [row] = await app.app.sequelize.query<{ due: number }>("SELECT COUNT(*) AS due FROM jobs WHERE status = 'running' OR (status = 'pending' AND run_at <= :now)", { replacements: { now: new Date() }, type: QueryTypes.SELECT });
    return Number(row.due);
  };
  const deadline = Date.now() + 20_000;
  while ((await due()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 300));
}

/**
 * Runs the edits while a transaction holds the post's content row (and, on SQLite, the write turn), so
 * both pass the route's count before either writes, as two edits sent at the same moment can.
 */
async function whileHeld(contentId: number, expectedTemporaryFiles: number, edits: () => Promise<{ status: number; text: string }>[]) {
  const { Content } = await import("../../core/models/content.ts");
  await jobsSettled();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const isHeld = new Promise<void>((resolve) => (held = resolve));
  const holder = app.app.sequelize.transaction(async (transaction) => {
    await Content.findByPk(contentId, { transaction, lock: transaction.LOCK.UPDATE });
    held();
    await released;
  });
  await isHeld;
  const responses = Promise.all(edits());
  try {
    // Both forms received: give them a moment to pass the route's check and wait on the lock.
    await until(() => temporaryFiles().length >= expectedTemporaryFiles);
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    release();
    await holder;
  }
  return responses;
}

test.serial(`two concurrent edits adding 6 files each leave at most 10 files; one is refused (${isPostgres ? "PostgreSQL" : "SQLite"})`, async (t) => {
  const { client, account } = await app.signedIn("member");
  // The same author in two browsers: each session gets its own answer (a refused form is kept in its session).
  const otherBrowser = app.client();
  await otherBrowser.login(account.email, account.password);
  const contentId = contentIdOf((await postMultipart(client, "/posts", { target: "company:0", body: "No files yet" })).location);
  t.truthy(contentId);
  t.is((await attachmentsOf(contentId)).length, 0);

  const clients = [client, otherBrowser];
  const responses = await whileHeld(contentId, 12, () => [postEdit(client, contentId, "First edit", pdfs("first", 6)), postEdit(otherBrowser, contentId, "Second edit", pdfs("second", 6))]);

  const statuses = responses.map((response) => response.status).sort();
  t.deepEqual(statuses, [302, 303], responses.map((response) => response.text.slice(0, 200)).join("\n"));
  const refusedIndex = responses.findIndex((response) => response.status === 303);
  const refused = await refusedPage(clients[refusedIndex], responses[refusedIndex] as Parameters<typeof refusedPage>[1]);
  t.is(refused.status, 422);
  t.regex(refused.text, /Nothing was changed/);
  t.regex(refused.text, /<textarea[^>]*>\s*(First|Second) edit<\/textarea>/, "the refused edit comes back as typed");
  const attachments = await attachmentsOf(contentId);
  t.is(attachments.length, 6, "only the edit that went through added its files");
  t.deepEqual(storedFiles().sort(), attachments.flatMap(pathsOf).sort(), "no stray files: only the attached ones are stored");
  t.deepEqual(temporaryFiles(), [], "the refused edit's uploads left the disk");
});

test.serial("an edit that removes files makes room for as many new ones, counted inside its transaction", async (t) => {
  const { client } = await app.signedIn("member");
  const contentId = contentIdOf((await postMultipart(client, "/posts", { target: "company:0", body: "Ten files" }, pdfs("full", 10))).location);
  const [first, second] = await attachmentsOf(contentId);
  const form = new FormData();
  form.append("body", "Two swapped");
  for (const id of [first.id, second.id]) form.append("removeFiles", String(id));
  for (const file of pdfs("swap", 2)) form.append("files", new Blob([new Uint8Array(file.data)]), file.name);
  const saved = await client.request("POST", `/c/${contentId}/edit?_csrf=${encodeURIComponent(client.csrfToken)}`, { body: form });
  t.is(saved.status, 302, saved.text.slice(0, 300));
  t.is((await attachmentsOf(contentId)).length, 10);
});
