import Router, { type RouterContext } from "@koa/router";
import { rm } from "node:fs/promises";
import type { Readable } from "node:stream";
import { QueryTypes, UniqueConstraintError } from "sequelize";
import { HttpError, User, type AppContext, type Container, type Host, type ReceivedUpload } from "../../core/sdk/index.ts";
import { mayChange, permissionDefinitions, permissions, rightsIn, type Rights } from "./access.ts";
import { userOfAppPassword } from "./app-passwords.ts";
import { Document, Folder, Version } from "./models.ts";
import { deleteFolderTree, depthBelow } from "./folders.ts";
import { checkName, nameKey } from "./names.ts";
import { restrictedFolderIds, syncSearchVisibility } from "./restrict.ts";
import { siteSettings } from "./settings.ts";
import { storeBatch, syncSearchName } from "./store.ts";
import {
  activeLocks,
  activeLockXml,
  assertWritable,
  childOf,
  covers,
  createLock,
  DavLock,
  dropLocks,
  keyAndAncestors,
  LockedError,
  locksApplying,
  lockSeconds,
  ownerOf,
  parseXml,
  pathKeyOf,
  spaceKeyOf,
  submittedTokens,
  supportedLockXml,
  type WriteScope,
  type XmlElement,
} from "./webdav-locks.ts";
import { BadIfHeader, ifHolds, matchHolds, parseIf, type ResourceState } from "./webdav-if.ts";

/**
 * WebDAV (RFC 4918, classes 1 and 2: locks in webdav-locks.ts) at /dav/documents/: the root lists the spaces the person may view (the company
 * space as "_company", each group they belong to by its address name), each space its folders and files.
 * Signed in with HTTP Basic and an app password; every action asks the same rights as the web pages.
 * Mounted by core before its body parser and session (host.rawRoutes): no cookie, no CSRF token here.
 */
const root = "/dav/documents";
/** The company space's name at the top of the drive: a group's address cannot start with "_", so none can take it. */
export const companySpaceName = "_company";
const maxDepth = 20;

interface Space {
  container: Container;
  rights: Rights;
  hidden: Set<number>;
}

interface Located {
  space: Space;
  /** The folder the last name sits in (null: the space's top level). */
  parent: Folder | null;
  /** The last name of the path ("" for the space itself). */
  name: string;
  folder: Folder | null;
  document: Document | null;
}

class DavError extends Error {
  constructor(readonly status: number) {
    super(String(status));
  }
}

const escapeXml = (value: string) => value.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const hrefOf = (segments: string[], collection: boolean) =>
  `${root}/${segments.map((segment) => encodeURIComponent(segment)).join("/")}${collection && segments.length ? "/" : ""}`;

function decodeSegments(path: string): string[] {
  const rest = path.startsWith(root) ? path.slice(root.length) : null;
  if (rest === null) throw new DavError(404);
  try {
    return rest.split("/").filter(Boolean).map((segment) => decodeURIComponent(segment).normalize("NFC"));
  } catch {
    throw new DavError(400);
  }
}

/** The user name and password of a Basic header, or null. */
function basicOf(ctx: AppContext): { login: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(ctx.get("authorization"));
  if (!match) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { login: decoded.slice(0, colon).trim().toLowerCase().slice(0, 255), password: decoded.slice(colon + 1) };
}

/** The person behind a Basic header carrying one of their app passwords (the user name must be theirs), or null. */
async function personOf(host: Host, ctx: AppContext): Promise<User | null> {
  const basic = basicOf(ctx);
  if (!basic) return null;
  const { login } = basic;
  const userId = await userOfAppPassword(host, basic.password);
  if (!userId) return null;
  const user = await User.findByPk(userId);
  if (!user || user.status !== "active") return null;
  if (login !== user.username.toLowerCase() && login !== user.email.toLowerCase()) return null;
  return user;
}

/** The roles a group's permission row grants (a JSON array), or null for a row that is not one. */
function rolesOfRow(json: string | null): string[] | null {
  try {
    const roles: unknown = json === null ? null : JSON.parse(json);
    return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === "string") : null;
  } catch {
    return null;
  }
}

/**
 * The names of the spaces a person may open, for the top of the drive: the company space, and the groups they
 * belong to where documents are on and their role may view them. A fixed number of queries, whatever the number
 * of groups: their groups with their role and the group's own roles for documents.view (one query), which of
 * them have documents on (one), and the company space's checks.
 */
async function spacesOf(host: Host, user: User): Promise<string[]> {
  const rows = await host.sequelize.query<{ id: number; slug: string; role: string; roles: string | null }>(
    `SELECT g.id, g.slug, m.role, p.roles FROM groups g JOIN group_memberships m ON m.group_id = g.id AND m.user_id = :userId
     LEFT JOIN group_permissions p ON p.group_id = g.id AND p.permission_id = :view ORDER BY g.slug`,
    { replacements: { userId: user.id, view: permissions.view }, type: QueryTypes.SELECT },
  );
  const on = await host.onInMany("group", rows.map((row) => Number(row.id)));
  const viewDefaults = permissionDefinitions.find((definition) => definition.id === permissions.view)!.defaults as readonly string[];
  // As core's can(): the site's admins hold every right; otherwise the role, against the group's own roles if it set them.
  const groups = rows.filter((row) => on.has(Number(row.id)) && (user.isAdmin || (rolesOfRow(row.roles) ?? viewDefaults).includes(row.role)));
  const company = await host.containerNamed("company", "company", user);
  const companyOpen = Boolean(company && (await host.isOnIn(company)) && (await host.can(user, permissions.view, company)));
  return [...(companyOpen ? [companySpaceName] : []), ...groups.map((row) => row.slug)];
}

/**
 * One space by its name at the top of the drive; anything the person may not view is the same 404 (a secret group
 * never shows). "company", the company space's name before, still opens it when no group of that address does.
 */
async function spaceNamed(host: Host, user: User, name: string): Promise<Space> {
  if (name === companySpaceName) return spaceOf(host, user, await host.containerNamed("company", "company", user));
  try {
    return await spaceOf(host, user, await host.containerNamed("group", name, user));
  } catch (error) {
    if (name !== "company" || !(error instanceof DavError)) throw error;
    return spaceOf(host, user, await host.containerNamed("company", "company", user));
  }
}

/** A container's documents as a space, if they are on and the person may view them; else the same 404. */
async function spaceOf(host: Host, user: User, container: Container | null): Promise<Space> {
  if (!container || !(await host.isOnIn(container))) throw new DavError(404);
  const rights = await rightsIn(host, user, container);
  if (!rights.view) throw new DavError(404);
  const hidden = rights.deleteOthers ? new Set<number>() : await restrictedFolderIds(host, container);
  return { container, rights, hidden };
}

const inSpace = (space: Space) => ({ containerType: space.container.type, containerId: space.container.id });
/** A path's lock key: the space by its type and id (whatever address reached it), then the names below it. */
const keyOf = (space: Space, segments: string[]) => pathKeyOf([spaceKeyOf(space.container), ...segments.slice(1)]);

/**
 * The space, folder and file at a path. A folder on the way that is missing (or hidden from the person: the same
 * answer) is a 404, or a 409 for a request that would create something there (PUT, MKCOL, LOCK: RFC 4918 §9.7.1).
 */
async function locate(host: Host, user: User, segments: string[], missingFolder: 404 | 409 = 404): Promise<Located> {
  const space = await spaceNamed(host, user, segments[0]);
  let parent = null as Folder | null;
  for (const segment of segments.slice(1, -1)) {
    const folder: Folder | null = await Folder.findOne({ where: { ...inSpace(space), parentId: parent?.id ?? null, nameKey: nameKey(segment) } });
    if (!folder || space.hidden.has(folder.id)) throw new DavError(missingFolder);
    parent = folder;
  }
  if (segments.length === 1) return { space, parent: null, name: "", folder: null, document: null };
  const name = segments[segments.length - 1];
  const where = { ...inSpace(space), nameKey: nameKey(name) };
  const folder = await Folder.findOne({ where: { ...where, parentId: parent?.id ?? null } });
  const document = folder ? null : await Document.findOne({ where: { ...where, folderId: parent?.id ?? null, deletedAt: null } });
  return { space, parent, name, folder: folder && !space.hidden.has(folder.id) ? folder : null, document };
}

function checkedName(name: string): string {
  const checked = checkName(name);
  if ("error" in checked || checked.name !== name) throw new DavError(400);
  return checked.name;
}

async function depthOf(folder: Folder | null): Promise<number> {
  let depth = 0;
  for (let current = folder; current?.parentId && depth <= maxDepth; depth += 1) current = await Folder.findByPk(current.parentId);
  return folder ? depth + 1 : 0;
}

/** A document's entity tag: its current version's (GET, HEAD, PROPFIND's getetag and the conditions agree). */
const etagOf = (document: Document | null) => (document?.currentVersionId ? `v${document.currentVersionId}` : null);

/**
 * What a resource is now for an If header: its tag, and the tokens of the locks that bear on the request (for the
 * request's own address, by the write's scope: its folder's depth-0 lock for a new name, the locks under a folder
 * taken along). A path outside the drive, or one the person may not see, has neither.
 */
async function stateAt(host: Host, user: User, segments: string[], scope: WriteScope = {}): Promise<ResourceState> {
  const none = { etag: null, tokens: new Set<string>() };
  if (segments.length < 2) return none;
  const at = await locate(host, user, segments).catch(() => null);
  if (!at) return none;
  const locks = await locksApplying(keyOf(at.space, segments), scope);
  return { etag: etagOf(at.document), tokens: new Set(locks.map((lock) => lock.token)) };
}

/**
 * Refuses (412) a request whose conditions fail, before anything is read or written: If-Match / If-None-Match
 * (not If-None-Match on a read: send answers it with 304), and the If header (400 when malformed).
 */
async function checkConditions(host: Host, ctx: AppContext, user: User, segments: string[], document: Document | null, exists: boolean, scope: WriteScope = {}, isRead = false) {
  if (!matchHolds(ctx.get("if-match"), isRead ? "" : ctx.get("if-none-match"), exists, etagOf(document))) throw new DavError(412);
  const header = ctx.get("if");
  if (!header) return;
  let lists;
  try {
    lists = parseIf(header);
  } catch (error) {
    throw error instanceof BadIfHeader ? new DavError(400) : error;
  }
  const holds = await ifHolds(lists, async (resource) => {
    if (resource === null) return stateAt(host, user, segments, scope);
    let tagged: string[];
    try {
      tagged = decodeSegments(new URL(resource, "http://x").pathname);
    } catch {
      return { etag: null, tokens: new Set<string>() };
    }
    return stateAt(host, user, tagged);
  });
  if (!holds) throw new DavError(412);
}

interface Entry {
  segments: string[];
  collection: boolean;
  size?: number;
  mime?: string;
  modified: Date;
  etag?: string;
}

/** What a PROPFIND asks: every property, their names only, or the listed ones (RFC 4918 §9.1). */
type Asked = { kind: "allprop" } | { kind: "propname" } | { kind: "prop"; names: { ns: string; name: string }[] };

function askedOf(body: XmlElement | null): Asked {
  if (!body) return { kind: "allprop" };
  if (body.ns !== "DAV:" || body.name !== "propfind") throw new DavError(400);
  if (childOf(body, "propname")) return { kind: "propname" };
  const prop = childOf(body, "prop");
  if (prop) return { kind: "prop", names: prop.children.map(({ ns, name }) => ({ ns, name })) };
  if (childOf(body, "allprop")) return { kind: "allprop" };
  throw new DavError(400);
}

/** The live properties of an entry, by their DAV: name, with their XML (the lock ones included). */
function propertiesOf(entry: Entry, locks: DavLock[]): Map<string, string> {
  const properties = new Map<string, string>([
    ["displayname", `<d:displayname>${escapeXml(entry.segments[entry.segments.length - 1] ?? "")}</d:displayname>`],
    ["getlastmodified", `<d:getlastmodified>${entry.modified.toUTCString()}</d:getlastmodified>`],
    ["resourcetype", entry.collection ? "<d:resourcetype><d:collection/></d:resourcetype>" : "<d:resourcetype/>"],
  ]);
  if (!entry.collection) {
    properties.set("getcontentlength", `<d:getcontentlength>${entry.size ?? 0}</d:getcontentlength>`);
    properties.set("getcontenttype", `<d:getcontenttype>${escapeXml(entry.mime ?? "application/octet-stream")}</d:getcontenttype>`);
  }
  if (entry.etag) properties.set("getetag", `<d:getetag>"${entry.etag}"</d:getetag>`);
  if (entry.segments.length >= 2) {
    properties.set("supportedlock", supportedLockXml);
    properties.set("lockdiscovery", `<d:lockdiscovery>${locks.map((lock) => activeLockXml(lock)).join("")}</d:lockdiscovery>`);
  }
  return properties;
}

const propstat = (props: string, status: string) => (props ? `<d:propstat><d:prop>${props}</d:prop><d:status>HTTP/1.1 ${status}</d:status></d:propstat>` : "");

function responseXml(entry: Entry, asked: Asked, locks: DavLock[]) {
  const properties = propertiesOf(entry, locks);
  let body: string;
  if (asked.kind === "allprop") body = propstat([...properties.values()].join(""), "200 OK");
  else if (asked.kind === "propname") body = propstat([...properties.keys()].map((name) => `<d:${name}/>`).join(""), "200 OK");
  else {
    const found: string[] = [];
    const missing: string[] = [];
    for (const { ns, name } of asked.names) {
      const known = ns === "DAV:" ? properties.get(name) : undefined;
      if (known) found.push(known);
      else missing.push(ns === "DAV:" ? `<d:${name}/>` : `<x:${name} xmlns:x="${escapeXml(ns)}"/>`);
    }
    body = propstat(found.join(""), "200 OK") + propstat(missing.join(""), "404 Not Found");
  }
  return `<d:response><d:href>${escapeXml(hrefOf(entry.segments, entry.collection))}</d:href>${body}</d:response>`;
}

/** A folder's (or the top level's) folders and files, with their current versions, in two queries. */
async function childrenOf(space: Space, folder: Folder | null, segments: string[]): Promise<Entry[]> {
  const folders = await Folder.findAll({ where: { ...inSpace(space), parentId: folder?.id ?? null }, order: [["nameKey", "ASC"]] });
  const documents = await Document.findAll({ where: { ...inSpace(space), folderId: folder?.id ?? null, deletedAt: null }, order: [["nameKey", "ASC"]] });
  const versions = new Map(
    (await Version.findAll({ where: { id: documents.flatMap((document) => (document.currentVersionId ? [document.currentVersionId] : [])) } })).map((version) => [version.id, version]),
  );
  return [
    ...folders.filter((child) => !space.hidden.has(child.id)).map((child) => ({ segments: [...segments, child.name], collection: true, modified: child.updatedAt })),
    ...documents.map((document) => {
      const version = versions.get(document.currentVersionId ?? 0);
      return { segments: [...segments, document.name], collection: false, size: version?.size ?? 0, mime: version?.mime, modified: version?.createdAt ?? document.updatedAt, etag: etagOf(document) ?? undefined };
    }),
  ];
}

async function readBody(stream: Readable, limit: number): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new DavError(413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function xmlBody(stream: Readable): Promise<XmlElement | null> {
  const text = await readBody(stream, 64 * 1024);
  try {
    return parseXml(text);
  } catch {
    throw new DavError(400);
  }
}

const allowed = "OPTIONS, PROPFIND, PROPPATCH, GET, HEAD, PUT, MKCOL, MOVE, DELETE, LOCK, UNLOCK";

export function webdavRoutes(host: Host) {
  const router = new Router();
  DavLock.initModel(host.sequelize);

  router.use(async (ctx, next) => {
    const context = ctx as unknown as AppContext;
    ctx.set("DAV", "1, 2");
    ctx.set("MS-Author-Via", "DAV");
    if (ctx.method === "OPTIONS") {
      ctx.set("Allow", allowed);
      ctx.status = 200;
      return;
    }
    try {
      // The site's sign-in limits (per user name and per address, ctx.ip following AGORA_TRUST_PROXY), counted
      // apart from the sign-in form's but in the same store: Redis when configured, so every process shares them.
      const login = basicOf(context)?.login ?? "";
      const wait = await host.loginLimiter.retryAfter(login, ctx.ip);
      if (wait > 0) {
        ctx.set("Retry-After", String(wait));
        ctx.status = 429;
        ctx.body = "Too many failed sign-ins\n";
        return;
      }
      const user = await personOf(host, context);
      if (!user) {
        if (ctx.get("authorization")) await host.loginLimiter.recordFailure(login, ctx.ip);
        ctx.set("WWW-Authenticate", 'Basic realm="Agora documents", charset="UTF-8"');
        ctx.status = 401;
        ctx.body = "Unauthorized\n";
        return;
      }
      context.state.user = user;
      await next();
    } catch (error) {
      if (error instanceof DavError || error instanceof HttpError || error instanceof LockedError) {
        ctx.status = (error as DavError).status;
        ctx.type = "text/plain";
        ctx.body = `${ctx.status}\n`;
        return;
      }
      throw error;
    }
  });

  const handle = async (ctx: RouterContext) => {
    const context = ctx as unknown as AppContext;
    const user = context.state.user as User;
    const segments = decodeSegments(ctx.path);
    switch (ctx.method) {
      case "PROPFIND": {
        const asked = askedOf(await xmlBody(ctx.req));
        const depth = ctx.get("depth") === "0" ? 0 : 1;
        if (ctx.get("depth") === "infinity") throw new DavError(403);
        const entries: Entry[] = [];
        let listed: Space | null = null;
        if (segments.length === 0) {
          entries.push({ segments: [], collection: true, modified: new Date() });
          if (depth) for (const name of await spacesOf(host, user)) entries.push({ segments: [name], collection: true, modified: new Date() });
        } else {
          const at = await locate(host, user, segments);
          listed = at.space;
          if (segments.length === 1 || at.folder) {
            entries.push({ segments, collection: true, modified: at.folder?.updatedAt ?? new Date() });
            if (depth) entries.push(...(await childrenOf(at.space, at.folder, segments)));
          } else if (at.document) {
            entries.push(...(await childrenOf(at.space, at.parent, segments.slice(0, -1))).filter((entry) => !entry.collection && nameKey(entry.segments[entry.segments.length - 1]) === nameKey(at.name)).map((entry) => ({ ...entry, segments })));
          } else throw new DavError(404);
        }
        // The running locks on what is listed and the folders above it, in one query.
        const keyed = (entry: Entry) => (listed && entry.segments.length >= 2 ? keyOf(listed, entry.segments) : null);
        const keys = entries.flatMap((entry) => keyed(entry) ?? []);
        const locks = keys.length ? await activeLocks(keys.flatMap(keyAndAncestors)) : [];
        ctx.status = 207;
        ctx.type = "application/xml; charset=utf-8";
        ctx.body = `<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus xmlns:d="DAV:">${entries
          .map((entry) => {
            const key = keyed(entry);
            return responseXml(entry, asked, key === null ? [] : locks.filter((lock) => covers(lock, key)));
          })
          .join("")}</d:multistatus>`;
        return;
      }
      case "GET":
      case "HEAD": {
        if (segments.length === 0) throw new DavError(405);
        const at = await locate(host, user, segments);
        if (!at.document) throw new DavError(at.folder || segments.length === 1 ? 405 : 404);
        const version = at.document.currentVersionId ? await Version.findByPk(at.document.currentVersionId) : null;
        if (!version) throw new DavError(404);
        await checkConditions(host, context, user, segments, at.document, true, {}, true);
        await host.files.send(context, version.fileId, { download: true, etag: etagOf(at.document)! });
        return;
      }
      case "PUT": {
        if (segments.length < 2) throw new DavError(405);
        const at = await locate(host, user, segments, 409);
        if (at.folder) throw new DavError(405);
        if (!at.space.rights.upload) throw new DavError(403);
        const name = at.document?.name ?? checkedName(at.name);
        await checkConditions(host, context, user, segments, at.document, Boolean(at.document), { members: !at.document });
        await assertWritable(user.id, ctx.get("if"), keyOf(at.space, segments), { members: !at.document });
        const { maxFileMb } = await host.settings.read(siteSettings);
        let upload: ReceivedUpload | null = null;
        try {
          // Empty bodies too: Finder and Windows create a new file empty, then write its bytes (a second version).
          upload = await host.files.receiveStream({ name, data: ctx.req }, { maxFileBytes: maxFileMb * 1024 * 1024, allowEmpty: true });
          await storeBatch(host, host.policyFor(user), user, { container: at.space.container, folderId: at.parent?.id ?? null, uploads: [upload], note: "", target: at.document, isSave: true });
        } catch (error) {
          if (upload) await host.files.discard([upload]).catch(() => undefined);
          throw error;
        } finally {
          if (upload) await rm(upload.tempPath, { force: true });
        }
        ctx.status = at.document ? 204 : 201;
        return;
      }
      case "MKCOL": {
        await readBody(ctx.req, 0).catch(() => {
          throw new DavError(415);
        });
        if (segments.length < 2) throw new DavError(405);
        const at = await locate(host, user, segments, 409);
        if (at.folder || at.document) throw new DavError(405);
        if (!at.space.rights.manage) throw new DavError(403);
        const name = checkedName(at.name);
        await checkConditions(host, context, user, segments, null, false, { members: true });
        await assertWritable(user.id, ctx.get("if"), keyOf(at.space, segments), { members: true });
        if ((await depthOf(at.parent)) >= maxDepth) throw new DavError(403);
        try {
          await Folder.create({ ...inSpace(at.space), parentId: at.parent?.id ?? null, name, nameKey: nameKey(name), createdBy: user.id });
        } catch (error) {
          throw error instanceof UniqueConstraintError ? new DavError(405) : error;
        }
        ctx.status = 201;
        return;
      }
      case "DELETE": {
        if (segments.length < 2) throw new DavError(403);
        const at = await locate(host, user, segments);
        if (at.document) {
          if (!mayChange(at.space.rights, user, at.document)) throw new DavError(403);
          await checkConditions(host, context, user, segments, at.document, true, { members: true, tree: true });
          await assertWritable(user.id, ctx.get("if"), keyOf(at.space, segments), { members: true, tree: true });
          await trashDocument(host, at.space, at.document, user);
        } else if (at.folder) {
          if (!at.space.rights.manage) throw new DavError(403);
          await checkConditions(host, context, user, segments, null, true, { members: true, tree: true });
          await assertWritable(user.id, ctx.get("if"), keyOf(at.space, segments), { members: true, tree: true });
          await deleteFolderTree(host, at.space.container, at.folder, user.id);
        } else throw new DavError(404);
        await dropLocks(keyOf(at.space, segments));
        ctx.status = 204;
        return;
      }
      case "MOVE": {
        if (segments.length < 2) throw new DavError(403);
        const at = await locate(host, user, segments);
        if (!at.document && !at.folder) throw new DavError(404);
        let destination: string[];
        try {
          destination = decodeSegments(new URL(ctx.get("destination"), "http://x").pathname);
        } catch (error) {
          throw error instanceof DavError ? new DavError(502) : new DavError(400);
        }
        // Within one space only (a move to another group is on the web page, with its checks).
        if (destination.length < 2 || destination[0] !== segments[0]) throw new DavError(502);
        const to = await locate(host, user, destination, 409);
        const name = checkedName(to.name);
        const overwrite = ctx.get("overwrite").toUpperCase() !== "F";
        const replaced = to.document && to.document.id !== at.document?.id ? to.document : null;
        if ((to.folder && to.folder.id !== at.folder?.id) || (replaced && !overwrite)) throw new DavError(412);
        if (at.document ? !mayChange(at.space.rights, user, at.document) : !at.space.rights.manage) throw new DavError(403);
        await checkConditions(host, context, user, segments, at.document, true, { members: true, tree: true });
        // Both ends: the source (and all under it) leaves its folder, the destination is written (or replaced).
        await assertWritable(user.id, ctx.get("if"), keyOf(at.space, segments), { members: true, tree: true });
        await assertWritable(user.id, ctx.get("if"), keyOf(to.space, destination), { members: true, tree: true });
        if (at.document) {
          if (!mayChange(at.space.rights, user, at.document)) throw new DavError(403);
          if (replaced && !mayChange(at.space.rights, user, replaced)) throw new DavError(403);
          const document = at.document;
          await host.sequelize.transaction(async (transaction) => {
            if (replaced) await replaced.update({ deletedAt: new Date(), deletedBy: user.id }, { transaction });
            await document.update({ name, nameKey: nameKey(name), folderId: to.parent?.id ?? null }, { transaction });
            await syncSearchName(document.id, name, transaction);
            await syncSearchVisibility(host, at.space.container, transaction);
          });
        } else {
          if (!at.space.rights.manage) throw new DavError(403);
          const folder = at.folder!;
          if (replaced) throw new DavError(412);
          for (let step = to.parent; step; step = step.parentId ? await Folder.findByPk(step.parentId) : null) if (step.id === folder.id) throw new DavError(403);
          if ((await depthOf(to.parent)) + (await depthBelow(host, folder)) >= maxDepth) throw new DavError(403);
          try {
            await host.sequelize.transaction(async (transaction) => {
              await folder.update({ name, nameKey: nameKey(name), parentId: to.parent?.id ?? null }, { transaction });
              await syncSearchVisibility(host, at.space.container, transaction);
            });
          } catch (error) {
            throw error instanceof UniqueConstraintError ? new DavError(412) : error;
          }
        }
        // A lock stays with its address (RFC 4918 §7.5): the moved file or folder leaves its locks behind, ended.
        if (keyOf(at.space, segments) !== keyOf(to.space, destination)) await dropLocks(keyOf(at.space, segments));
        ctx.status = replaced ? 204 : 201;
        return;
      }
      case "LOCK": {
        const info = await xmlBody(ctx.req);
        if (segments.length < 2) throw new DavError(403);
        const at = await locate(host, user, segments, 409);
        if (!(at.folder ? at.space.rights.manage : at.space.rights.upload)) throw new DavError(403);
        const key = keyOf(at.space, segments);
        const href = hrefOf(segments, Boolean(at.folder));
        const seconds = lockSeconds(ctx.get("timeout"));
        let lock: DavLock | null;
        if (!info) {
          // A refresh: no body, the lock's token in the If header; only its owner may extend it.
          const tokens = submittedTokens(ctx.get("if"));
          lock = (await activeLocks(keyAndAncestors(key))).find((each) => covers(each, key) && each.userId === user.id && tokens.has(each.token)) ?? null;
          if (!lock) throw new DavError(412);
          await lock.update({ timeoutSeconds: seconds, expiresAt: new Date(Date.now() + seconds * 1000) });
          ctx.status = 200;
        } else {
          if (info.ns !== "DAV:" || info.name !== "lockinfo") throw new DavError(400);
          const scope = childOf(info, "lockscope");
          if (!scope || !childOf(childOf(info, "locktype"), "write")) throw new DavError(400);
          if (!childOf(scope, "exclusive")) throw new DavError(412); // shared locks are not offered (supportedlock says so)
          if (!at.folder && !at.document) checkedName(at.name); // a name not used yet is locked as is: no empty file is made
          await checkConditions(host, context, user, segments, at.document, Boolean(at.folder || at.document));
          const depth = at.folder && ctx.get("depth") !== "0" ? -1 : 0;
          lock = await createLock(user.id, key, href, { documentId: at.document?.id ?? null, folderId: at.folder?.id ?? null, parentId: at.parent?.id ?? null }, depth, ownerOf(childOf(info, "owner")), seconds);
          if (!lock) throw new DavError(423);
          ctx.status = at.folder || at.document ? 200 : 201;
          ctx.set("Lock-Token", `<${lock.token}>`);
        }
        ctx.type = "application/xml; charset=utf-8";
        ctx.body = `<?xml version="1.0" encoding="utf-8"?>\n<d:prop xmlns:d="DAV:"><d:lockdiscovery>${activeLockXml(lock)}</d:lockdiscovery></d:prop>`;
        return;
      }
      case "PROPPATCH": {
        // No property is kept (no dead properties; the live ones are the server's): each asked one is refused
        // with 403 in a 207, after the same rights and lock checks as a save (Windows sends its file times here).
        const update = await xmlBody(ctx.req);
        if (!update || update.ns !== "DAV:" || update.name !== "propertyupdate") throw new DavError(400);
        if (segments.length < 2) throw new DavError(403);
        const at = await locate(host, user, segments);
        if (!at.document && !at.folder) throw new DavError(404);
        if (!(at.folder ? at.space.rights.manage : at.space.rights.upload)) throw new DavError(403);
        await checkConditions(host, context, user, segments, at.document, true);
        await assertWritable(user.id, ctx.get("if"), keyOf(at.space, segments));
        const names = update.children
          .filter((child) => child.ns === "DAV:" && (child.name === "set" || child.name === "remove"))
          .flatMap((child) => childOf(child, "prop")?.children ?? []);
        const props = names.map(({ ns, name }) => (ns === "DAV:" ? `<d:${name}/>` : `<x:${name} xmlns:x="${escapeXml(ns)}"/>`)).join("");
        ctx.status = 207;
        ctx.type = "application/xml; charset=utf-8";
        ctx.body = `<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus xmlns:d="DAV:"><d:response><d:href>${escapeXml(hrefOf(segments, Boolean(at.folder)))}</d:href>${propstat(props, "403 Forbidden")}</d:response></d:multistatus>`;
        return;
      }
      case "UNLOCK": {
        await readBody(ctx.req, 64 * 1024);
        if (segments.length < 2) throw new DavError(403);
        const at = await locate(host, user, segments);
        const token = /^\s*<([^>]+)>\s*$/.exec(ctx.get("lock-token"))?.[1];
        if (!token) throw new DavError(400);
        const key = keyOf(at.space, segments);
        const lock = (await activeLocks(keyAndAncestors(key))).find((each) => each.token === token && covers(each, key));
        if (!lock) throw new DavError(409);
        if (lock.userId !== user.id) throw new DavError(403);
        await lock.destroy();
        ctx.status = 204;
        return;
      }
      default:
        ctx.set("Allow", allowed);
        throw new DavError(405);
    }
  };
  router.all("/", handle);
  router.all("/{*path}", handle);
  return router;
}

async function trashDocument(host: Host, space: Space, document: Document, user: User) {
  await host.sequelize.transaction(async (transaction) => {
    await document.update({ deletedAt: new Date(), deletedBy: user.id }, { transaction });
    await syncSearchVisibility(host, space.container, transaction);
  });
}

