import { Op } from "sequelize";
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

/** The subject of a document's read receipts (host.readReceipts, the receipts announcements use too). */
export const readingSubject = (documentId: number) => `document:${documentId}`;

/** Asks readers to confirm they read a document: one receipt each (asking again keeps the first), one notification each. */
export async function askToRead(host: Host, container: Container, document: Document, readers: User[], by: User) {
  await host.readReceipts.ask(readingSubject(document.id), readers.map((reader) => reader.id), by.id);
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

/** Who was asked to read a document and who confirmed. */
export async function receiptsOf(host: Host, document: Document, viewerId: number): Promise<ReadReceipts> {
  const rows = await host.readReceipts.list(readingSubject(document.id));
  return {
    isAskedOfViewer: rows.some((row) => row.userId === viewerId && !row.acknowledgedAt),
    confirmed: rows.filter((row) => row.acknowledgedAt).map((row) => ({ name: row.displayName, at: row.acknowledgedAt! })),
    waiting: rows.filter((row) => !row.acknowledgedAt).map((row) => row.displayName),
  };
}

/** The reader confirms: only their own request, once (confirming again keeps the first time). False when they were not asked. */
export function confirmReading(host: Host, document: Document, readerId: number): Promise<boolean> {
  return host.readReceipts.acknowledge(readingSubject(document.id), readerId);
}
