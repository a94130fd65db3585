import { Op, QueryTypes } from "sequelize";
import { HttpError, User, type Container, type Host } from "../../core/sdk/index.ts";
import { baseOf, permissions } from "./access.ts";
import type { Document } from "./models.ts";

export const readRequestType = "documents.read-request";
const maxReaders = 100;

/** The readers named in the form (@usernames, separated by spaces or commas), or a 422 naming the first unknown. */
export async function readersNamed(host: Host, container: Container, raw: string): Promise<User[]> {
  const names = [...new Set(raw.split(/[\s,;]+/).map((name) => name.replace(/^@/, "").toLowerCase()).filter(Boolean))];
  if (names.length === 0) throw new HttpError(422, "documents:errors.readersEmpty");
  if (names.length > maxReaders) throw new HttpError(422, "documents:errors.readersMany");
  const users = await User.findAll({ where: { username: { [Op.in]: names }, status: "active" } });
  const found = new Map(users.map((user) => [user.username.toLowerCase(), user]));
  const readers: User[] = [];
  for (const name of names) {
    const user = found.get(name);
    // Someone unknown, or who may not see this space's documents: the same refusal (no one learns who exists there).
    if (!user || !(await host.can(user, permissions.view, container))) throw new HttpError(422, "documents:errors.readerUnknown");
    readers.push(user);
  }
  return readers;
}

/** Asks readers to confirm they read a document: one row each (asking again keeps the first), one notification each. */
export async function askToRead(host: Host, container: Container, document: Document, readers: User[], by: User) {
  const now = new Date();
  for (const reader of readers) {
    await host.sequelize.query(
      `INSERT INTO documents_read_requests (document_id, user_id, requested_by, requested_at) VALUES (:documentId, :userId, :by, :now)
       ON CONFLICT (document_id, user_id) DO NOTHING`,
      { replacements: { documentId: document.id, userId: reader.id, by: by.id, now } },
    );
  }
  await host.notify({
    type: readRequestType,
    recipients: readers.map((reader) => reader.id),
    actor: by,
    subject: { container, url: `${baseOf(container)}/d/${document.id}`, title: document.name },
    groupKey: `document:${document.id}`,
  });
}

export interface ReadReceipts {
  /** The viewer was asked and has not confirmed yet. */
  isAskedOfViewer: boolean;
  confirmed: { name: string; at: Date }[];
  waiting: string[];
}

/** Who was asked to read a document and who confirmed, in one query. */
export async function receiptsOf(host: Host, document: Document, viewerId: number): Promise<ReadReceipts> {
  const rows = await host.sequelize.query<{ user_id: number; display_name: string; confirmed_at: string | Date | null }>(
    `SELECT r.user_id, u.display_name, r.confirmed_at FROM documents_read_requests r JOIN users u ON u.id = r.user_id
     WHERE r.document_id = :id ORDER BY u.display_name, r.user_id`,
    { replacements: { id: document.id }, type: QueryTypes.SELECT },
  );
  return {
    isAskedOfViewer: rows.some((row) => Number(row.user_id) === viewerId && !row.confirmed_at),
    confirmed: rows.filter((row) => row.confirmed_at).map((row) => ({ name: row.display_name, at: new Date(row.confirmed_at!) })),
    waiting: rows.filter((row) => !row.confirmed_at).map((row) => row.display_name),
  };
}

/** The reader confirms: only their own request, once (confirming again keeps the first time). False when they were not asked. */
export async function confirmReading(host: Host, document: Document, readerId: number): Promise<boolean> {
  const replacements = { now: new Date(), id: document.id, userId: readerId };
  await host.sequelize.query("UPDATE documents_read_requests SET confirmed_at = :now WHERE document_id = :id AND user_id = :userId AND confirmed_at IS NULL", { replacements });
  const [asked] = await host.sequelize.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM documents_read_requests WHERE document_id = :id AND user_id = :userId", { replacements, type: QueryTypes.SELECT });
  return Number(asked?.n ?? 0) > 0;
}
