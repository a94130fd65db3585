import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

/** An S3-compatible server (s3rver) on loopback with one bucket, and the AGORA_S3_* settings that point an app at it. */
export interface TestBucket {
  server: S3rver;
  client: S3Client;
  bucket: string;
  prefix: string;
  endpoint: string;
  /** AGORA_S3_* for startApp. */
  env: Record<string, string>;
  /** Every key in the bucket, sorted. */
  objects(): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts s3rver on a random loopback port, its data in a temporary folder removed by close(). */
export async function startBucket(options: { bucket?: string; prefix?: string } = {}): Promise<TestBucket> {
  const bucket = options.bucket ?? "agora-test";
  const prefix = options.prefix ?? "site/";
  const directory = mkdtempSync(path.join(os.tmpdir(), "agora-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
  return {
    server,
    client,
    bucket,
    prefix,
    endpoint,
    env: { AGORA_S3_BUCKET: bucket, AGORA_S3_ENDPOINT: endpoint, AGORA_S3_ACCESS_KEY_ID: "S3RVER", AGORA_S3_SECRET_ACCESS_KEY: "S3RVER", AGORA_S3_PREFIX: prefix },
    async objects() {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        keys.push(...(listed.Contents ?? []).map((object) => object.Key!));
        token = listed.IsTruncated ? listed.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async close() {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
