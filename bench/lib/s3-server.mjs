// An S3-compatible server (s3rver) on loopback for a bench, in its own process so its memory is not counted
// in the measured one: prints {"endpoint": ...} once listening, then serves until its stdin closes (the bench
// ends) and removes its data. Bucket "agora-bench", keys S3RVER / S3RVER.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

const directory = mkdtempSync(path.join(os.tmpdir(), "agora-bench-s3-"));
const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: "agora-bench", configs: [] }] });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ endpoint: `http://127.0.0.1:${port}`, bucket: "agora-bench" })}\n`);
const stop = async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
  process.exit(0);
};
process.stdin.on("end", stop).on("close", stop).resume();
