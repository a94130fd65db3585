import type { Middleware } from "koa";
import { Op, QueryTypes } from "sequelize";
import { audit, flash, forbidden, idParam, notFound, User, type AppContext, type AppContextExtras, type AppState, type Container, type Host, type ReceivedUpload } from "../../core/sdk/index.ts";
import { baseOf, mayChange, rightsIn, type Rights } from "./access.ts";
import { Document, Folder } from "./models.ts";
import { checkName, uploadName } from "./names.ts";
import { restrictedFolderIds } from "./restrict.ts";
import { activeLocks, covers, keyAndAncestors, lockBlocking, pathKeyOf, spaceKeyOf, type DavLock, type WriteScope } from "./webdav-locks.ts";

/**
 * The web pages and WebDAV locks: a file or folder locked by a WebDAV client (File Explorer, Finder, Office while
 * the file is open) is not changed under it from the web pages either, except by the lock's owner. A refused
 * change is a 423 page naming who holds the lock and since when; a moderator of the space may break it from the
 * file's page. The checks are the WebDAV ones (lockBlocking), on the path the file or folder has over WebDAV.
 */

type Ctx = AppContext & { params: Record<string, string> };
type Write = { key: string } & WriteScope;

class WebLockedError extends Error {
  constructor(
    readonly lock: DavLock,
    readonly back: string,
  ) {
    super("423");
  }
}

/** A folder's names from the top of its space, in one recursive query. */
async function folderNames(host: Host, folderId: number | null): Promise<string[]> {
  if (!folderId) return [];
  const rows = await host.sequelize.query<{ name: string }>(
    `WITH RECURSIVE up(id, name, parent_id, depth) AS (
       SELECT id, name, parent_id, 0 FROM documents_folders WHERE id = :id
       UNION ALL SELECT f.id, f.name, f.parent_id, up.depth + 1 FROM documents_folders f JOIN up ON f.id = up.parent_id WHERE up.depth < 100)
     SELECT name FROM up ORDER BY depth DESC`,
    { replacements: { id: folderId }, type: QueryTypes.SELECT },
  );
  return rows.map((row) => row.name);
}

/** The WebDAV path key of a name in a folder (null: the top level) of a space. */
async function keyIn(host: Host, container: Container, folderId: number | null, name?: string): Promise<string> {
  return pathKeyOf([spaceKeyOf(container), ...(await folderNames(host, folderId)), ...(name === undefined ? [] : [name])]);
}

const bodyText = (ctx: Ctx, field: string) => {
  const value = (ctx.state.body as Record<string, unknown> | undefined)?.[field];
  return typeof value === "string" ? value : "";
};
/** A folder id from a form ("" the top level), or undefined when it is not one (the route refuses it). */
const folderFieldOf = (raw: string): number | null | undefined => (raw === "" || raw === "0" ? null : idParam(raw) || undefined);

/** The forms of the web pages that change a file or folder, by their address (after the space's /documents). */
const documentForm = /\/documents\/d\/([0-9]+)\/(versions|versions\/[0-9]+\/restore|rename|move|transfer|delete)$/;
/** A file back from the trash comes to its old name in its folder: a name (or folder) locked there stops it. */
const restoreForm = /\/documents\/d\/([0-9]+)\/restore$/;
const folderForm = /\/documents\/f\/([0-9]+)\/(rename|move|delete)$/;

/** What a form writes over WebDAV's eyes, and whether this viewer may send it at all (if not, the route refuses it). */
async function writesOf(host: Host, ctx: Ctx, container: Container): Promise<{ writes: Write[]; back: string; allowed: (rights: Rights, hidden: Set<number>) => boolean } | null> {
  const base = baseOf(container);
  const inSpace = { containerType: container.type, containerId: container.id };
  const onDocument = documentForm.exec(ctx.path);
  if (onDocument) {
    const document = await Document.findOne({ where: { id: Number(onDocument[1]), ...inSpace, deletedAt: null } });
    if (!document) return null;
    const action = onDocument[2];
    const key = await keyIn(host, container, document.folderId, document.name);
    const writes: Write[] = [{ key, members: !action.startsWith("versions") }];
    const renamed = action === "rename" ? checkName(bodyText(ctx, "name")) : null;
    if (renamed && "name" in renamed) writes.push({ key: await keyIn(host, container, document.folderId, renamed.name), members: true });
    const to = action === "move" ? folderFieldOf(bodyText(ctx, "folder")) : undefined;
    if (to !== undefined) writes.push({ key: await keyIn(host, container, to, document.name), members: true });
    return {
      writes,
      back: `${base}/d/${document.id}`,
      allowed: (rights, hidden) => !(document.folderId && hidden.has(document.folderId)) && (action.startsWith("versions") ? rights.upload : mayChange(rights, ctx.state.user!, document)),
    };
  }
  const onRestore = restoreForm.exec(ctx.path);
  if (onRestore) {
    const document = await Document.findOne({ where: { id: Number(onRestore[1]), ...inSpace, deletedAt: { [Op.ne]: null } } });
    if (!document) return null;
    // Its folder may be gone: it then comes back at the top level (as the route does).
    const folderId = document.folderId && (await Folder.findByPk(document.folderId)) ? document.folderId : null;
    return {
      writes: [{ key: await keyIn(host, container, folderId, document.name), members: true }],
      back: `${base}/trash`,
      allowed: (rights, hidden) => !(document.folderId && hidden.has(document.folderId)) && mayChange(rights, ctx.state.user!, document),
    };
  }
  const onFolder = folderForm.exec(ctx.path);
  if (onFolder) {
    const folder = await Folder.findOne({ where: { id: Number(onFolder[1]), ...inSpace } });
    if (!folder) return null;
    const writes: Write[] = [{ key: await keyIn(host, container, folder.id), members: true, tree: true }];
    const renamed = onFolder[2] === "rename" ? checkName(bodyText(ctx, "name")) : null;
    if (renamed && "name" in renamed) writes.push({ key: await keyIn(host, container, folder.parentId, renamed.name), members: true, tree: true });
    const to = onFolder[2] === "move" ? folderFieldOf(bodyText(ctx, "parent")) : undefined;
    if (to !== undefined) writes.push({ key: await keyIn(host, container, to, folder.name), members: true, tree: true });
    return { writes, back: `${base}/f/${folder.id}`, allowed: (rights, hidden) => !hidden.has(folder.id) && rights.manage };
  }
  return null;
}

async function firstBlocking(writes: Write[], userId: number): Promise<DavLock | null> {
  for (const { key, ...scope } of writes) {
    const lock = await lockBlocking(key, scope, (each) => each.userId === userId);
    if (lock) return lock;
  }
  return null;
}

async function hiddenFor(host: Host, container: Container, rights: Rights) {
  return rights.deleteOthers ? new Set<number>() : restrictedFolderIds(host, container);
}

/**
 * Router middleware for a space's pages: a form that would change a file or folder someone else holds a WebDAV
 * lock on answers the 423 page instead (after the same visibility and rights checks as the route, so a refusal
 * the route would give comes first); refuseLockedUploads' refusal is answered here too.
 */
export function webLockGuard(host: Host): Middleware<AppState, AppContextExtras> {
  return async (koaCtx, next) => {
    const ctx = koaCtx as unknown as Ctx;
    const user = ctx.state.user;
    const container = ctx.state.container;
    try {
      if (ctx.method === "POST" && user && container) {
        const found = await writesOf(host, ctx, container);
        const lock = found && (await firstBlocking(found.writes, user.id));
        if (found && lock) {
          const rights = await rightsIn(host, user, container);
          if (rights.view && found.allowed(rights, await hiddenFor(host, container, rights))) throw new WebLockedError(lock, found.back);
        }
      }
      await next();
    } catch (error) {
      if (!(error instanceof WebLockedError)) throw error;
      await lockedPage(ctx, error.lock, error.back);
    }
  };
}

/** For the upload form (its files are read in the route): a file saved over one locked by someone else is refused whole. */
export async function refuseLockedUploads(host: Host, ctx: Ctx, folder: Folder | null, uploads: ReceivedUpload[]): Promise<void> {
  const container = ctx.state.container!;
  const names = uploads.flatMap((upload) => {
    const checked = uploadName(upload.originalName);
    return "name" in checked ? [checked.name] : [];
  });
  const writes = await Promise.all(names.map(async (name) => ({ key: await keyIn(host, container, folder?.id ?? null, name), members: true })));
  const lock = await firstBlocking(writes, ctx.state.user!.id);
  if (!lock) return;
  await host.files.discard(uploads);
  throw new WebLockedError(lock, folder ? `${baseOf(container)}/f/${folder.id}` : baseOf(container));
}

async function holderName(userId: number): Promise<string> {
  return (await User.findByPk(userId, { attributes: ["displayName"] }))?.displayName ?? "";
}

async function lockedPage(ctx: Ctx, lock: DavLock, back: string) {
  ctx.status = 423;
  await ctx.render("documents/locked.njk", { title: ctx.state.t("documents:locks.title"), holder: await holderName(lock.userId), since: lock.createdAt, back });
  ctx.status = 423;
}

/** What a file's page says of the lock on it (its own, or its folder's with everything under it), or null. */
export async function lockNoticeOf(host: Host, container: Container, document: Document, user: User, rights: Rights) {
  const key = await keyIn(host, container, document.folderId, document.name);
  const lock = (await activeLocks(keyAndAncestors(key))).find((each) => covers(each, key));
  if (!lock) return null;
  return { id: lock.id, holder: await holderName(lock.userId), since: lock.createdAt, isOwn: lock.userId === user.id, onFolder: lock.pathKey !== key, mayBreak: rights.deleteOthers || lock.userId === user.id };
}

/**
 * POST /d/:id/lock/break: a moderator of the space (documents.delete-others), or the lock's owner, ends the lock on
 * a file (its own or its folder's), say when the program that held it is gone. Others get 403; audited.
 */
export async function breakLock(host: Host, ctx: Ctx): Promise<void> {
  const container = ctx.state.container!;
  const user = ctx.state.user!;
  const rights = await rightsIn(host, user, container);
  const id = idParam(ctx.params.id);
  const document = id ? await Document.findOne({ where: { id, containerType: container.type, containerId: container.id, deletedAt: null } }) : null;
  if (!rights.view || !document || (document.folderId && (await hiddenFor(host, container, rights)).has(document.folderId))) throw notFound();
  const key = await keyIn(host, container, document.folderId, document.name);
  const lockId = idParam(bodyText(ctx, "lock"));
  const lock = (await activeLocks(keyAndAncestors(key))).find((each) => each.id === lockId && covers(each, key));
  if (lock) {
    if (!rights.deleteOthers && lock.userId !== user.id) throw forbidden("documents:locks.noBreak");
    await lock.destroy();
    await audit(user, "documents.webdav-lock.broken", { type: "document", id: document.id }, { holderId: lock.userId, path: lock.href });
    flash(ctx, "success", "documents:locks.broken");
  } else {
    // Already ended (unlocked or expired meanwhile): nothing to break, the page says it is free.
    if (!rights.deleteOthers) throw forbidden("documents:locks.noBreak");
    flash(ctx, "success", "documents:locks.gone");
  }
  ctx.redirect(`${baseOf(container)}/d/${document.id}`);
}
