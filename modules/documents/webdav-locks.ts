import { createHash, randomUUID } from "node:crypto";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { DataTypes, Model, Op, Sequelize as S, UniqueConstraintError, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize, type Transaction, type WhereOptions } from "sequelize";
import type { Container } from "../../core/sdk/index.ts";
import { Document, Folder } from "./models.ts";
import { nameKey } from "./names.ts";

/**
 * WebDAV class 2 (RFC 4918 §6-7): exclusive write locks on files, folders and names not used yet, kept in
 * documents_dav_locks so that every server process sees the same locks. A lock belongs to the person who took
 * it: their token, sent in the If header, lets only them write; nobody else can write what it covers.
 */

/** A lock asked without a Timeout lasts an hour; a longer one (or "Infinite") is cut to four hours. Clients refresh. */
export const defaultLockSeconds = 3600;
/** The first key of the PostgreSQL advisory locks that take WebDAV lock requests in turn, one space at a time ("DAVL"). */
const lockNamespace = 0x4441564c;
export const maxLockSeconds = 4 * 3600;

export class DavLock extends Model<InferAttributes<DavLock>, InferCreationAttributes<DavLock>> {
  declare id: CreationOptional<number>;
  declare token: string;
  declare userId: number;
  declare pathKey: string;
  declare pathHash: string;
  declare href: string;
  /** 0, or -1 for infinity. */
  declare depth: number;
  declare owner: string | null;
  /** What was locked: a document, a folder (both null: a name not used yet), and the folder it sat in. */
  declare documentId: number | null;
  declare folderId: number | null;
  declare parentId: number | null;
  declare timeoutSeconds: number;
  declare expiresAt: Date;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    DavLock.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        token: { type: DataTypes.STRING(80), allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        pathKey: { type: DataTypes.TEXT, allowNull: false },
        pathHash: { type: DataTypes.STRING(64), allowNull: false },
        href: { type: DataTypes.TEXT, allowNull: false },
        depth: { type: DataTypes.INTEGER, allowNull: false },
        owner: { type: DataTypes.STRING(255), allowNull: true },
        documentId: { type: DataTypes.INTEGER, allowNull: true },
        folderId: { type: DataTypes.INTEGER, allowNull: true },
        parentId: { type: DataTypes.INTEGER, allowNull: true },
        timeoutSeconds: { type: DataTypes.INTEGER, allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "documents_dav_locks", underscored: true, updatedAt: false },
    );
  }
}

/**
 * The first part of a lock's path: the space by its type and id ("group:12"), not by the name in the address, so
 * one space reached by two addresses (the company space's old name) or a group whose address changed keeps its locks.
 */
export const spaceKeyOf = (container: Pick<Container, "type" | "id">) => `${container.type}:${container.id}`;

export const pathKeyOf = (segments: string[]) => segments.map((segment) => nameKey(segment)).join("/");
const hashOf = (key: string) => createHash("sha256").update(key).digest("hex");
/** "a/b/c" → ["a", "a/b", "a/b/c"]. */
export const keyAndAncestors = (key: string) => key.split("/").map((_, index, parts) => parts.slice(0, index + 1).join("/"));
/** Rows whose path starts with "<key>/" (substr counts characters on both databases; no LIKE and its escapes). */
const under = (key: string) => S.where(S.fn("substr", S.col("path_key"), 1, [...key].length + 1), `${key}/`);

/** The locks still running on these paths, and (with below) on anything under that path. */
export async function activeLocks(keys: string[], below?: string, transaction?: Transaction): Promise<DavLock[]> {
  const or: WhereOptions<DavLock>[] = [{ pathHash: [...new Set(keys)].map(hashOf) }];
  if (below !== undefined) or.push(under(below));
  return withoutStale(await DavLock.findAll({ where: { expiresAt: { [Op.gt]: new Date() }, [Op.or]: or }, order: [["id", "ASC"]], transaction }), transaction);
}

/**
 * Ends (and leaves out) the locks whose document or folder is no longer at the locked address: deleted,
 * renamed or moved on the web pages. Two queries at most, whatever the number of locks.
 */
async function withoutStale(locks: DavLock[], transaction?: Transaction): Promise<DavLock[]> {
  const documentIds = locks.flatMap((lock) => (lock.documentId ? [lock.documentId] : []));
  const folderIds = locks.flatMap((lock) => (lock.folderId ? [lock.folderId] : []));
  const documents = new Map(documentIds.length ? (await Document.findAll({ where: { id: documentIds }, transaction })).map((document) => [document.id, document]) : []);
  const folders = new Map(folderIds.length ? (await Folder.findAll({ where: { id: folderIds }, transaction })).map((folder) => [folder.id, folder]) : []);
  const lastKey = (lock: DavLock) => lock.pathKey.slice(lock.pathKey.lastIndexOf("/") + 1);
  const stale = locks.filter((lock) => {
    if (lock.documentId) {
      const document = documents.get(lock.documentId);
      return !document || document.deletedAt !== null || document.nameKey !== lastKey(lock) || (document.folderId ?? null) !== lock.parentId;
    }
    if (lock.folderId) {
      const folder = folders.get(lock.folderId);
      return !folder || folder.nameKey !== lastKey(lock) || (folder.parentId ?? null) !== lock.parentId;
    }
    return false;
  });
  if (stale.length) await DavLock.destroy({ where: { id: stale.map((lock) => lock.id) }, transaction });
  return locks.filter((lock) => !stale.includes(lock));
}

/** Does this lock cover the path key (the path itself, or a folder above it locked with depth infinity)? */
export const covers = (lock: DavLock, key: string) => lock.pathKey === key || (lock.depth < 0 && key.startsWith(`${lock.pathKey}/`));

/** The lock tokens a request submits in its If header (RFC 4918 §10.4), "Not" conditions left out. */
export function submittedTokens(header: string): Set<string> {
  const tokens = new Set<string>();
  for (const list of header.matchAll(/\(([^)]*)\)/g)) {
    for (const match of list[1].matchAll(/(Not\s+)?<([^>]*)>/gi)) if (!match[1]) tokens.add(match[2].trim());
  }
  return tokens;
}

/**
 * Refuses (423) a write to key unless every lock on it is the writer's own and its token was submitted.
 * members: the write adds or removes a name in the folder above (its own depth-0 lock counts too);
 * tree: the write takes everything under key along (a delete or move of a folder).
 */
export async function assertWritable(userId: number, ifHeader: string, key: string, options: WriteScope = {}): Promise<void> {
  const tokens = submittedTokens(ifHeader);
  if (await lockBlocking(key, options, (lock) => lock.userId === userId && tokens.has(lock.token))) throw new LockedError();
}

/** What a write touches besides its own path (see assertWritable). */
export interface WriteScope {
  members?: boolean;
  tree?: boolean;
}

/** The first running lock that applies to a write of key (see assertWritable) and that `passes` does not let through, or null. */
export async function lockBlocking(key: string, options: WriteScope, passes: (lock: DavLock) => boolean): Promise<DavLock | null> {
  return (await locksApplying(key, options)).find((lock) => !passes(lock)) ?? null;
}

/** The running locks a write of key must answer to: those covering it, and (by scope) its folder's and those under it. */
export async function locksApplying(key: string, options: WriteScope = {}): Promise<DavLock[]> {
  const parentKey = key.includes("/") ? key.slice(0, key.lastIndexOf("/")) : null;
  const locks = await activeLocks(keyAndAncestors(key), options.tree ? key : undefined);
  return locks.filter((lock) => covers(lock, key) || (options.tree && lock.pathKey.startsWith(`${key}/`)) || (options.members && lock.pathKey === parentKey));
}

export class LockedError extends Error {
  readonly status = 423;
  constructor() {
    super("423");
  }
}

/** Takes the first duration of a Timeout header ("Second-600, Infinite"), kept between 1 second and maxLockSeconds. */
export function lockSeconds(header: string): number {
  for (const part of header.split(",").map((value) => value.trim())) {
    if (/^infinite$/i.test(part)) return maxLockSeconds;
    const match = /^Second-([0-9]{1,10})$/i.exec(part);
    if (match) return Math.max(1, Math.min(maxLockSeconds, Number(match[1])));
  }
  return defaultLockSeconds;
}

/**
 * Takes a new exclusive lock, or null when another one covers the path, the path's folder tree (for depth
 * infinity) or it. Expired rows are swept. The check and the insert are one transaction taken in turn per space,
 * whatever the process: on PostgreSQL under an advisory lock on the space's name (held until the commit), on
 * SQLite by its one writer at a time (transactions there are IMMEDIATE). So a folder's depth-infinity lock and a
 * lock on a file inside it, asked at the same moment of two processes, cannot both be granted; the unique index
 * on the path stays as a last guard.
 */
export async function createLock(
  userId: number,
  key: string,
  href: string,
  target: { documentId: number | null; folderId: number | null; parentId: number | null },
  depth: number,
  owner: string | null,
  seconds: number,
): Promise<DavLock | null> {
  await DavLock.destroy({ where: { expiresAt: { [Op.lte]: new Date() } } });
  const sequelize = DavLock.sequelize!;
  try {
    return await sequelize.transaction(async (transaction) => {
      const space = key.split("/")[0];
      if (sequelize.getDialect() === "postgres") await sequelize.query("SELECT pg_advisory_xact_lock(:namespace, hashtext(:space))", { replacements: { namespace: lockNamespace, space }, transaction });
      const existing = await activeLocks(keyAndAncestors(key), depth < 0 ? key : undefined, transaction);
      if (existing.some((lock) => covers(lock, key) || lock.pathKey.startsWith(`${key}/`))) return null;
      return DavLock.create(
        { token: `urn:uuid:${randomUUID()}`, userId, pathKey: key, pathHash: hashOf(key), href, ...target, depth, owner, timeoutSeconds: seconds, expiresAt: new Date(Date.now() + seconds * 1000) },
        { transaction },
      );
    });
  } catch (error) {
    if (error instanceof UniqueConstraintError) return null;
    throw error;
  }
}

/** Ends the locks on a path and under it (the file or folder was deleted or moved away). */
export async function dropLocks(key: string): Promise<void> {
  await DavLock.destroy({ where: { [Op.or]: [{ pathHash: hashOf(key) }, under(key)] } });
}

const escapeXml = (value: string) => value.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const supportedLockXml =
  "<d:supportedlock><d:lockentry><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockentry></d:supportedlock>";

export function activeLockXml(lock: DavLock): string {
  const seconds = Math.max(0, Math.ceil((lock.expiresAt.getTime() - Date.now()) / 1000));
  return [
    "<d:activelock><d:locktype><d:write/></d:locktype><d:lockscope><d:exclusive/></d:lockscope>",
    `<d:depth>${lock.depth < 0 ? "infinity" : "0"}</d:depth>`,
    lock.owner ? `<d:owner><d:href>${escapeXml(lock.owner)}</d:href></d:owner>` : "",
    `<d:timeout>Second-${seconds}</d:timeout>`,
    `<d:locktoken><d:href>${escapeXml(lock.token)}</d:href></d:locktoken>`,
    `<d:lockroot><d:href>${escapeXml(lock.href)}</d:href></d:lockroot></d:activelock>`,
  ].join("");
}

/** An element of a request body, its namespace resolved ("DAV:" for the WebDAV ones). */
export interface XmlElement {
  ns: string;
  name: string;
  children: XmlElement[];
  text: string;
}

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: "", processEntities: true, htmlEntities: false, trimValues: true });

/** The root element of an XML request body, or null when the body is empty; throws "bad" on anything not well-formed. */
export function parseXml(body: string): XmlElement | null {
  if (!body.trim()) return null;
  // No document type: nothing a WebDAV client sends needs one, and entity tricks stay out.
  if (/<!DOCTYPE/i.test(body) || XMLValidator.validate(body) !== true) throw new Error("bad");
  const tree = parser.parse(body) as Node[];
  const roots = toElements(tree, new Map([["xml", "http://www.w3.org/XML/1998/namespace"]]));
  if (roots.length !== 1) throw new Error("bad");
  return roots[0];
}

type Node = Record<string, unknown>;
function toElements(nodes: Node[], scope: Map<string, string>): XmlElement[] {
  const out: XmlElement[] = [];
  for (const node of nodes) {
    const tag = Object.keys(node).find((key) => key !== ":@" && key !== "#text" && !key.startsWith("?"));
    if (!tag) continue;
    const attributes = (node[":@"] ?? {}) as Record<string, string>;
    const inner = new Map(scope);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "xmlns") inner.set("", String(value));
      else if (name.startsWith("xmlns:")) inner.set(name.slice(6), String(value));
    }
    const colon = tag.indexOf(":");
    const prefix = colon < 0 ? "" : tag.slice(0, colon);
    const ns = inner.get(prefix);
    if (ns === undefined && prefix) throw new Error("bad"); // a prefix never declared
    const children = (node[tag] ?? []) as Node[];
    const text = children.flatMap((child) => ("#text" in child ? [String(child["#text"])] : [])).join("");
    out.push({ ns: ns ?? "", name: colon < 0 ? tag : tag.slice(colon + 1), children: toElements(children, inner), text });
  }
  return out;
}

export const childOf = (element: XmlElement | null | undefined, name: string, ns = "DAV:") => element?.children.find((child) => child.ns === ns && child.name === name);

/** The owner a LOCK body names (its href, or its text), kept short. */
export function ownerOf(element: XmlElement | undefined): string | null {
  if (!element) return null;
  const value = (childOf(element, "href")?.text ?? element.text).trim();
  return value ? value.slice(0, 255) : null;
}
