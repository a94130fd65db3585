import { readdirSync } from "node:fs";
import path from "node:path";
import { QueryTypes } from "sequelize";
import type { TestApp } from "./app.ts";

// What an app's storage holds, wherever it keeps files (its uploads dir, or the bucket under AGORA_TEST_S3=1),
// against what its rows point to: a test that ends with both equal proves every delete took its bytes along.

function walk(directory: string, base = directory): string[] {
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = path.join(directory, entry.name);
    return entry.isDirectory() ? walk(full, base) : [path.relative(base, full).split(path.sep).join("/")];
  });
}

/** The storage keys of every stored file and thumbnail (attachments' and modules'), from the bucket or the disk. */
export async function storedKeys(app: TestApp): Promise<string[]> {
  if (app.bucket) return (await app.bucket.objects()).map((key) => key.slice(app.bucket!.prefix.length));
  // On disk: the key folders only (not received files waiting in tmp/, profile photos, the site's logo).
  return walk(app.config.uploadsDir).filter((key) => /^(modules\/[^/]+\/)?\d{4}\//.test(key)).sort();
}

/** The storage keys the database's rows point to (attachments and module files, thumbnails included). */
export async function referencedKeys(app: TestApp): Promise<string[]> {
  const rows = await app.app.sequelize.query<{ key: string | null }>(
    `SELECT storage_key AS key FROM attachments UNION ALL SELECT thumbnail_key FROM attachments
     UNION ALL SELECT storage_key FROM module_files UNION ALL SELECT thumbnail_key FROM module_files`,
    { type: QueryTypes.SELECT },
  );
  return rows.flatMap((row) => (row.key ? [row.key] : [])).sort();
}

/** Files on the disk under the stored keys' folders: none when the app keeps them in a bucket. */
export function keysOnDisk(app: TestApp): string[] {
  return walk(app.config.uploadsDir).filter((key) => /^(modules\/[^/]+\/)?\d{4}\//.test(key));
}
