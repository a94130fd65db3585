/**
 * Polls on the dashboard (issue 19), in one run against a fresh app in this process (SQLite in a temp dir, or
 * the empty PostgreSQL database AGORA_TEST_DATABASE_URL names):
 *
 *   npx tsx bench/polls-bench.ts [--requests 200] [--answers 10000]
 *   AGORA_ENTRY_CACHE_MB=0 npx tsx bench/polls-bench.ts      (every entry loaded and rendered on each request)
 *
 * One reader's dashboard shows 20 polls of `answers` answers each (rows bulk-inserted, as answering writes
 * them); another's shows 20 plain posts. Their dashboards are requested alternately, one at a time, after a
 * warm-up; the figure is requests a second of each, and the polls' share of the posts' (target: ≥ 80 %).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pino from "pino";
import { QueryTypes } from "sequelize";
import { loadConfig } from "../config/index.ts";
import { createApp } from "../core/app.ts";
import { createAccount } from "../core/commands/user-creator.ts";
import { Client } from "../test/helpers/client.ts";
import { publish } from "../test/helpers/content.ts";
import { addMember, createGroup } from "../modules/groups/test/helpers.ts";

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
}
const requests = option("requests", 200);
const answersPerPoll = option("answers", 10_000);
const entries = 20;

const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-polls-bench-"));
const config = loadConfig({
  AGORA_DATA_DIR: dataDir,
  AGORA_UPLOADS_DIR: path.join(dataDir, "uploads"),
  AGORA_LOG_LEVEL: "silent",
  AGORA_MODULE_PATHS: path.resolve(import.meta.dirname, "../modules"),
  AGORA_ADMIN_EMAIL: "admin@example.test",
  AGORA_ADMIN_PASSWORD: "admin-password-1",
  AGORA_ADMIN_NAME: "Ada Admin",
  ...(process.env.AGORA_ENTRY_CACHE_MB ? { AGORA_ENTRY_CACHE_MB: process.env.AGORA_ENTRY_CACHE_MB } : {}),
  ...(process.env.AGORA_TEST_DATABASE_URL ? { DATABASE_URL: process.env.AGORA_TEST_DATABASE_URL } : {}),
});
const app = await createApp(config, pino({ level: "silent" }));
const server = createServer(app.koa.callback());
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const sequelize = app.sequelize;
let counter = 0;
async function signedIn(role: "admin" | "member") {
  counter += 1;
  const account = { email: `bench${counter}@example.test`, password: "correct-horse-battery", displayName: `Bench Person ${counter}`, role };
  const user = await createAccount({ ...account, status: "active" });
  const client = new Client(url);
  await client.login(account.email, account.password);
  return { client, userId: user.id };
}

/** Inserts rows in batches of multi-row INSERTs, in one transaction. */
async function insertRows(table: string, columns: string[], rows: unknown[][]) {
  await sequelize.transaction(async (transaction) => {
    for (let start = 0; start < rows.length; start += 500) {
      const batch = rows.slice(start, start + 500);
      const values = batch.map((_, index) => `(${columns.map((column) => `:${column}${index}`).join(", ")})`).join(", ");
      const replacements = Object.fromEntries(batch.flatMap((row, index) => columns.map((column, place) => [`${column}${index}`, row[place]])));
      await sequelize.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values}`, { replacements, transaction });
    }
  });
}

try {
  const admin = (await signedIn("admin")).client;
  for (const id of ["groups", "polls"]) if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(id);
  const author = await signedIn("member");
  const pollGroup = await createGroup(author.client, { name: "Poll room", visibility: "private" });
  const postGroup = await createGroup(author.client, { name: "Post room", visibility: "private" });
  if ((await author.client.post(`${pollGroup.url}/modules/polls`, { state: "enabled" })).status !== 302) throw new Error("polls in group");
  const pollReader = await signedIn("member");
  const postReader = await signedIn("member");
  await addMember(pollGroup.id, pollReader.userId);
  await addMember(postGroup.id, postReader.userId);

  const started = performance.now();
  for (let index = 0; index < entries; index += 1) {
    const question = `Which option do you prefer for the team's plan number ${index + 1}?`;
    const posted = await author.client.post("/compose/poll", { target: `group:${pollGroup.id}`, returnTo: pollGroup.url, body: question, options: "First option\nSecond option\nThird option" });
    if (posted.status !== 303) throw new Error(`poll ${index}: ${posted.status}`);
    const [poll] = await sequelize.query<{ id: number }>("SELECT id FROM polls WHERE title = :question", { replacements: { question }, type: QueryTypes.SELECT });
    const [questionRow] = await sequelize.query<{ id: number }>("SELECT id FROM poll_questions WHERE poll_id = :id", { replacements: { id: poll.id }, type: QueryTypes.SELECT });
    const options = await sequelize.query<{ id: number }>("SELECT id FROM poll_options WHERE poll_id = :id ORDER BY position", { replacements: { id: poll.id }, type: QueryTypes.SELECT });
    // People 1,000,000 and up: answers need no account row (the tables keep the id only).
    const people = Array.from({ length: answersPerPoll }, (_, person) => 1_000_000 + person);
    const keys = people.map(() => randomBytes(12).toString("hex"));
    await insertRows("poll_participations", ["poll_id", "user_id"], people.map((person) => [poll.id, person]));
    await insertRows("poll_answers", ["id", "poll_id", "question_id", "user_id"], people.map((person, place) => [keys[place], poll.id, questionRow.id, person]));
    await insertRows("poll_answer_choices", ["answer_id", "question_id", "option_id"], keys.map((key, place) => [key, questionRow.id, options[place % 3].id]));
    await publish(author.client, { target: `group:${postGroup.id}`, body: `${question} A plain post of about the same length, for the comparison.` });
  }
  console.log(`set-up: ${entries} polls of ${answersPerPoll} answers and ${entries} posts in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const timed = async (client: Client) => {
    const start = performance.now();
    const response = await client.get("/");
    if (response.status !== 200) throw new Error(`dashboard: ${response.status}`);
    return { ms: performance.now() - start, text: response.text };
  };
  const first = await timed(pollReader.client);
  const shown = (first.text.match(/class="poll-title"/g) ?? []).length;
  if (shown !== entries) throw new Error(`the polls' dashboard shows ${shown} polls`);
  if (!first.text.includes(`<td data-count>${Math.ceil(answersPerPoll / 3)}</td>`)) throw new Error("the counts are not shown");
  const postsShown = ((await timed(postReader.client)).text.match(/class="entry card/g) ?? []).length;
  if (postsShown < entries) throw new Error(`the posts' dashboard shows ${postsShown} entries`);
  for (let index = 0; index < 10; index += 1) {
    await timed(pollReader.client);
    await timed(postReader.client);
  }
  const times = { polls: [] as number[], posts: [] as number[] };
  for (let index = 0; index < requests; index += 1) {
    times.polls.push((await timed(pollReader.client)).ms);
    times.posts.push((await timed(postReader.client)).ms);
  }
  const rate = (list: number[]) => list.length / (list.reduce((sum, ms) => sum + ms, 0) / 1000);
  const percentile = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor((list.length * p) / 100))];
  const row = (name: string, list: number[]) => `| ${name} | ${rate(list).toFixed(1)} | ${percentile(list, 50).toFixed(1)} | ${percentile(list, 95).toFixed(1)} |`;
  console.log(`database: ${sequelize.getDialect()}, entry cache: ${process.env.AGORA_ENTRY_CACHE_MB === "0" ? "off" : "on"}, ${requests} requests each, alternating, load average ${os.loadavg()[0].toFixed(1)}`);
  console.log("| dashboard | req/s | p50 ms | p95 ms |\n|---|---|---|---|");
  console.log(row(`20 polls × ${answersPerPoll} answers`, times.polls));
  console.log(row("20 posts", times.posts));
  console.log(`polls / posts: ${((rate(times.polls) / rate(times.posts)) * 100).toFixed(0)} % (target ≥ 80 %)`);
} finally {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
