/**
 * Documents figures (issue 21), in one run against a fresh app in this process (SQLite in a temp dir, or
 * the empty PostgreSQL database AGORA_TEST_DATABASE_URL names):
 *
 *   npx tsx bench/documents-bench.ts [--requests 200] [--upload-mb 1024] [--s3]
 *
 * 1. Listing: a folder of 100 documents and one of 10,000 (rows bulk-inserted, as uploads write them);
 *    the first page of each is requested `requests` times, alternating, after a warm-up: median and p95.
 *    Keyset pagination should keep the large folder's first page within 1.5x the small one's.
 * 2. Upload: one file of `upload-mb` MB streamed over HTTP into a group's documents; the process's peak
 *    RSS above its level before the upload (sampled every 20 ms). The target is under 50 MB for 1 GB.
 *
 * With --s3 the app keeps its files in an S3-compatible bucket (AGORA_S3_*): s3rver on loopback, started in a
 * child process (bench/lib/s3-server.mjs) so that only the app's memory is measured; the upload then goes
 * through the disk (checked) and on to the bucket in 8 MB parts, and the object's size is read back.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { performance } from "node:perf_hooks";
import pino from "pino";
import { loadConfig } from "../config/index.ts";
import { createApp } from "../core/app.ts";
import { createAccount } from "../core/commands/user-creator.ts";
import { Client } from "../test/helpers/client.ts";
import { addMember, createGroup } from "../modules/groups/test/helpers.ts";

/** s3rver in a child process: the AGORA_S3_* settings that point the app at it, and a way to stop it. */
async function startS3Server() {
  const child = spawn(process.execPath, [path.resolve(import.meta.dirname, "lib/s3-server.mjs")], { stdio: ["pipe", "pipe", "inherit"] });
  const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  const { endpoint, bucket } = JSON.parse(line) as { endpoint: string; bucket: string };
  return {
    endpoint,
    bucket,
    env: { AGORA_S3_BUCKET: bucket, AGORA_S3_ENDPOINT: endpoint, AGORA_S3_ACCESS_KEY_ID: "S3RVER", AGORA_S3_SECRET_ACCESS_KEY: "S3RVER" },
    async stop() {
      child.stdin!.end();
      await once(child, "exit");
    },
  };
}

/** The app on a random port with its own data dir (and the database AGORA_TEST_DATABASE_URL names, if any). */
async function startBenchApp(storage: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-documents-bench-"));
  const config = loadConfig({
    AGORA_DATA_DIR: dataDir,
    AGORA_UPLOADS_DIR: path.join(dataDir, "uploads"),
    AGORA_LOG_LEVEL: "silent",
    AGORA_MODULE_PATHS: path.resolve(import.meta.dirname, "../modules"),
    AGORA_ADMIN_EMAIL: "admin@example.test",
    AGORA_ADMIN_PASSWORD: "admin-password-1",
    AGORA_ADMIN_NAME: "Ada Admin",
    ...(process.env.AGORA_TEST_DATABASE_URL ? { DATABASE_URL: process.env.AGORA_TEST_DATABASE_URL } : {}),
    ...storage,
  });
  const app = await createApp(config, pino({ level: "silent" }));
  const server = createServer(app.koa.callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let counter = 0;
  const signedIn = async (role: "admin" | "member") => {
    counter += 1;
    const account = { email: `bench${counter}@example.test`, password: "correct-horse-battery", displayName: `Bench ${counter}`, role };
    const user = await createAccount({ ...account, status: "active" });
    const client = new Client(url);
    await client.login(account.email, account.password);
    return { client, userId: user.id };
  };
  return {
    app,
    url,
    signedIn,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
}
const requests = option("requests", 200);
const uploadMb = option("upload-mb", 1024);
const s3 = process.argv.includes("--s3") ? await startS3Server() : null;

const app = await startBenchApp(s3?.env);
try {
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "documents"]) if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(id);
  if ((await admin.post("/admin/modules/documents/settings", { maxFileMb: String(uploadMb + 1), quotaMb: String(uploadMb * 2 + 10) })).status !== 302) throw new Error("settings");
  const { client, userId } = await app.signedIn("member");
  const group = await createGroup(client, { name: "Bench documents", visibility: "private" });
  await addMember(group.id, (await app.signedIn("member")).userId);
  if ((await client.post(`${group.url}/modules/documents`, { state: "enabled" })).status !== 302) throw new Error("group switch");
  const docs = `${group.url}/documents`;

  // 1. Listing.
  const { Document, Folder, Version } = await import("../modules/documents/models.ts");
  const sequelize = app.app.sequelize;
  const folderOf = async (name: string, count: number) => {
    const folder = await Folder.create({ containerType: "group", containerId: group.id, parentId: null, name, nameKey: name.toLowerCase(), createdBy: userId });
    for (let start = 0; start < count; start += 1000) {
      const size = Math.min(1000, count - start);
      const documents = await Document.bulkCreate(
        Array.from({ length: size }, (_, index) => {
          const name = `Report ${String(start + index).padStart(5, "0")} ${["alpha", "beta", "gamma", "delta"][index % 4]}.pdf`;
          return { containerType: "group", containerId: group.id, folderId: folder.id, name, nameKey: name.toLowerCase(), uploaderId: userId, currentVersionId: null };
        }),
        { returning: true },
      );
      await Version.bulkCreate(documents.map((document) => ({ documentId: document.id, fileId: 1, uploaderId: userId, batchId: null, size: 123_456, mime: "application/pdf", docName: document.name })));
    }
    await sequelize.query("UPDATE documents SET current_version_id = (SELECT MAX(v.id) FROM documents_versions v WHERE v.document_id = documents.id) WHERE folder_id = :folder", { replacements: { folder: folder.id } });
    return `${docs}/f/${folder.id}`;
  };
  const small = await folderOf("Small", 100);
  const large = await folderOf("Large", 10_000);
  // Planner statistics, as a database that grew by uploads has them (autovacuum on PostgreSQL).
  await sequelize.query("ANALYZE");
  const times: Record<string, number[]> = { [small]: [], [large]: [] };
  for (let round = 0; round < 20; round += 1) for (const url of [small, large]) await client.get(url); // warm-up
  for (let round = 0; round < requests; round += 1) {
    for (const url of round % 2 ? [small, large] : [large, small]) {
      const started = performance.now();
      const answer = await client.get(url);
      times[url].push(performance.now() - started);
      if (answer.status !== 200 || !answer.text.includes('rel="next"')) throw new Error(`${url}: ${answer.status}`);
    }
  }
  const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))];
  const row = (label: string, url: string) => `| ${label} | ${quantile(times[url], 0.5).toFixed(1)} | ${quantile(times[url], 0.95).toFixed(1)} |`;
  console.log(`database: ${sequelize.getDialect()}, files: ${s3 ? `S3-compatible bucket (s3rver at ${s3.endpoint})` : "disk"}, ${requests} first-page requests per folder, alternating\n`);
  console.log("| folder | p50 ms | p95 ms |\n|---|---|---|");
  console.log(row("100 documents", small));
  console.log(row("10,000 documents", large));
  console.log(`\nratio of medians (10,000 / 100): ${(quantile(times[large], 0.5) / quantile(times[small], 0.5)).toFixed(2)}`);

  // 2. A large upload's memory.
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const boundary = "----agora-bench";
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="folder"\r\n\r\n\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(1024 * 1024, "agora documents bench line\n");
  const body = Readable.from(
    (function* () {
      yield head;
      for (let index = 0; index < uploadMb; index += 1) yield chunk;
      yield tail;
    })(),
  );
  const cookies = (client as unknown as { cookies: Map<string, string> }).cookies;
  const started = performance.now();
  const status = await new Promise<number>((resolve, reject) => {
    const request = httpRequest(new URL(`${docs}/upload?_csrf=${encodeURIComponent(client.csrfToken)}`, app.url), {
      method: "POST",
      headers: {
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "content-length": String(head.length + uploadMb * chunk.length + tail.length),
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      },
    });
    request.on("response", (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    request.on("error", reject);
    body.pipe(request);
  });
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const [stored] = await sequelize.query<{ size: number | string }>("SELECT size FROM documents_versions WHERE doc_name = 'big.txt'", { type: "SELECT" as never });
  console.log(`\nupload of ${uploadMb} MB: HTTP ${status}, stored ${Number(stored?.size ?? 0)} bytes, ${seconds.toFixed(1)} s`);
  if (s3) {
    const { HeadObjectCommand, S3Client } = await import("@aws-sdk/client-s3");
    const [file] = await sequelize.query<{ storage_key: string }>("SELECT f.storage_key FROM module_files f JOIN documents_versions v ON v.file_id = f.id WHERE v.doc_name = 'big.txt'", { type: "SELECT" as never });
    const client = new S3Client({ region: "us-east-1", endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: file.storage_key }));
    client.destroy();
    console.log(`object in the bucket: ${head.ContentLength} bytes`);
  }
  console.log(`peak RSS above the level before the upload: ${((peak - baseline) / 1024 / 1024).toFixed(1)} MB (baseline ${(baseline / 1024 / 1024).toFixed(0)} MB)`);
} finally {
  await app.close();
  await s3?.stop();
}
