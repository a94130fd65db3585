import { randomUUID } from "node:crypto";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";

/** Received files wait here under random names until they are attached or discarded. */
export function temporaryDirectory(uploadsDir: string) {
  return path.join(uploadsDir, "tmp");
}

export function temporaryPath(uploadsDir: string) {
  return path.join(temporaryDirectory(uploadsDir), randomUUID());
}

/**
 * Only keys the storage makes ("<yyyy>/<mm>/<uuid>", or "modules/<module id>/<yyyy>/<mm>/<uuid>" for a
 * module's files) are ever turned into paths: a forged key cannot leave the uploads dir.
 */
const storageKeyPattern = /^(modules\/[a-z][a-z0-9-]{1,40}\/)?\d{4}\/\d{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A new random key in this month's folder (folders keep directory sizes reasonable), under a module's own folder when given. */
export function newStorageKey(now = new Date(), moduleId?: string) {
  const month = String(now.getUTCMonth() + 1).padStart(2, "0");
  return `${moduleId ? `modules/${moduleId}/` : ""}${now.getUTCFullYear()}/${month}/${randomUUID()}`;
}

export function storedPath(uploadsDir: string, key: string): string | null {
  return storageKeyPattern.test(key) ? path.join(uploadsDir, ...key.split("/")) : null;
}

export async function ensureDirectoryOf(file: string) {
  await mkdir(path.dirname(file), { recursive: true });
}

/** Deletes files that may or may not exist; a failed clean-up must not hide the error that caused it. */
export async function removeQuietly(files: Iterable<string | null | undefined>) {
  await Promise.all([...files].filter((file): file is string => Boolean(file)).map((file) => rm(file, { force: true }).catch(() => undefined)));
}

const sweptDirectories = new Set<string>();
const staleAfterMs = 24 * 3600 * 1000;

/** Once per process: temporary files older than a day were left by a crash mid-request; nothing else can own them. */
export async function sweepStaleTemporaryFiles(uploadsDir: string, now = Date.now()) {
  const directory = temporaryDirectory(uploadsDir);
  if (sweptDirectories.has(directory)) return;
  sweptDirectories.add(directory);
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names) {
    const file = path.join(directory, name);
    const info = await stat(file).catch(() => null);
    if (info?.isFile() && now - info.mtimeMs > staleAfterMs) await removeQuietly([file]);
  }
}
