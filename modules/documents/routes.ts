import Router from "@koa/router";
import { Op, QueryTypes, UniqueConstraintError } from "sequelize";
import {
  HttpError,
  flash,
  forbidden,
  idParam,
  notFound,
  queryValue,
  requireUser,
  type AppContext,
  type AppContextExtras,
  type AppState,
  type Container,
  type Host,
} from "../../core/sdk/index.ts";
import { baseOf, mayChange, viewerRights, type Rights } from "./access.ts";
import { Document, Folder, Version } from "./models.ts";
import { checkName, nameKey } from "./names.ts";
import { siteSettings } from "./settings.ts";
import { trashDays } from "./purge.ts";
import { restrictedFolderIds, syncSearchVisibility } from "./restrict.ts";
import { advanceCurrent, quotaOf, storeBatch, syncSearchName, usageOf } from "./store.ts";
import { previewOf } from "./preview.ts";
import { transferDocument, transferTargets } from "./transfer.ts";
import { filesFromPosts } from "./from-posts.ts";
import { askToRead, confirmReading, readersNamed, receiptsOf } from "./reading.ts";
import { zipFolder } from "./zip.ts";
import { deleteFolderTree, depthBelow, restoreFolderTree, trashedFolders } from "./folders.ts";
import { maxFilesPerUpload, receiveUploads } from "./receive.ts";
import { breakLock, lockNoticeOf, refuseLockedUploads, webLockGuard } from "./web-locks.ts";

export const pageSize = 50;
/** Folders nest at most this deep: every path, ZIP entry and breadcrumb stays short, and no chain can loop. */
export const maxDepth = 20;


type Ctx = AppContext & { params: Record<string, string> };

const containerOf = (ctx: Ctx): Container => ctx.state.container!;
const bodyText = (ctx: Ctx, field: string) => {
  const value = (ctx.state.body as Record<string, unknown> | undefined)?.[field];
  return typeof value === "string" ? value : "";
};
const rightsMemo = new WeakMap<object, Promise<Rights>>();
const hiddenMemo = new WeakMap<object, Promise<Set<number>>>();

/** The viewer's rights in this request's space, asked once per request; "forbidden" without the right to view. */
function rightsOf(host: Host, ctx: Ctx): Promise<Rights> {
  if (!rightsMemo.has(ctx)) rightsMemo.set(ctx, viewerRights(host, ctx.state.user, containerOf(ctx)));
  return rightsMemo.get(ctx)!;
}

/** The folders this viewer may not open: the restricted ones, unless they are one of the space's moderators. */
async function hiddenOf(host: Host, ctx: Ctx): Promise<Set<number>> {
  if (!hiddenMemo.has(ctx)) hiddenMemo.set(ctx, rightsOf(host, ctx).then((rights) => (rights.deleteOthers ? new Set<number>() : restrictedFolderIds(host, containerOf(ctx)))));
  return hiddenMemo.get(ctx)!;
}

/** A folder id from a form: "" is the top level; anything else must be a folder of this space the viewer may open. */
async function folderField(host: Host, ctx: Ctx, raw: string): Promise<Folder | null> {
  if (raw === "" || raw === "0") return null;
  return folderIn(host, ctx, raw);
}

/** A folder of this space the viewer may open; anything else is the same 404. */
async function folderIn(host: Host, ctx: Ctx, raw: string | undefined): Promise<Folder> {
  const container = containerOf(ctx);
  const id = idParam(raw);
  const folder = id ? await Folder.findOne({ where: { id, containerType: container.type, containerId: container.id } }) : null;
  if (!folder || (await hiddenOf(host, ctx)).has(folder.id)) throw notFound();
  return folder;
}

/** A document of this space, outside the folders hidden from the viewer; a trashed one only when asked (the trash). */
async function documentIn(host: Host, ctx: Ctx, raw: string | undefined, options: { trashed?: boolean } = {}): Promise<Document> {
  const container = containerOf(ctx);
  const id = idParam(raw);
  const document = id ? await Document.findOne({ where: { id, containerType: container.type, containerId: container.id } }) : null;
  if (!document || Boolean(document.deletedAt) !== Boolean(options.trashed)) throw notFound();
  if (document.folderId && (await hiddenOf(host, ctx)).has(document.folderId)) throw notFound();
  return document;
}

/** A version of the document (its current one when none is named); another document's is not found. */
async function versionOf(document: Document, raw: string | undefined): Promise<Version> {
  const versionId = raw ? idParam(raw) : document.currentVersionId;
  const version = versionId ? await Version.findOne({ where: { id: versionId, documentId: document.id } }) : null;
  if (!version) throw notFound();
  return version;
}

/** The folder and its parents, top first: one recursive query. */
async function pathOf(host: Host, folder: Folder | null): Promise<{ id: number; name: string }[]> {
  if (!folder) return [];
  const rows = await host.sequelize.query<{ id: number; name: string; depth: number }>(
    `WITH RECURSIVE up(id, name, parent_id, depth) AS (
       SELECT id, name, parent_id, 0 FROM documents_folders WHERE id = :id
       UNION ALL SELECT f.id, f.name, f.parent_id, up.depth + 1 FROM documents_folders f JOIN up ON f.id = up.parent_id WHERE up.depth < 100)
     SELECT id, name, depth FROM up ORDER BY depth DESC`,
    { replacements: { id: folder.id }, type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ id: Number(row.id), name: row.name }));
}

/** Every folder of the container with its full path ("Plans / 2027"), for the "move to" lists. */
async function folderChoices(container: Container, hidden: Set<number>, except?: Folder | null) {
  const folders = await Folder.findAll({ where: { containerType: container.type, containerId: container.id }, attributes: ["id", "parentId", "name"] });
  const byId = new Map(folders.map((folder) => [folder.id, folder]));
  const pathNames = (folder: Folder) => {
    const names: string[] = [];
    const seen = new Set<number>();
    for (let at: Folder | undefined = folder; at && !seen.has(at.id); at = at.parentId ? byId.get(at.parentId) : undefined) {
      seen.add(at.id);
      names.unshift(at.name);
    }
    return { names, ids: seen };
  };
  return folders
    .map((folder) => ({ id: folder.id, ...pathNames(folder) }))
    .filter((choice) => !hidden.has(choice.id) && (!except || !choice.ids.has(except.id)))
    .map((choice) => ({ id: choice.id, label: choice.names.join(" / ") }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

/** The keyset cursor of a listing page: the last row's (name key, id), as base64url JSON. */
function cursorOf(raw: string | undefined): { key: string; id: number } | null {
  if (!raw) return null;
  try {
    const [key, id] = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as unknown[];
    if (typeof key === "string" && key.length <= 255 && Number.isSafeInteger(id) && (id as number) > 0) return { key, id: id as number };
  } catch {
    // a malformed cursor is the first page's refusal below
  }
  throw new HttpError(400, "documents:errors.cursor");
}

export interface ListedDocument {
  id: number;
  name: string;
  size: number;
  mime: string;
  hasThumbnail: boolean;
  updatedAt: Date;
  uploaderName: string | null;
  uploaderId: number | null;
  versions: number;
}

/** One page of a folder's live documents in name order: one query, keyset on (name_key, id). */
export async function listDocuments(host: Host, container: Pick<Container, "type" | "id">, folderId: number | null, after: { key: string; id: number } | null, limit = pageSize) {
  const rows = await host.sequelize.query<{ id: number; name: string; name_key: string; size: number | string; mime: string; has_thumbnail: boolean | number; updated_at: string | Date; display_name: string | null; uploader_id: number | null; versions: number | string }>(
    `SELECT d.id, d.name, d.name_key, v.size, v.mime, v.has_thumbnail, v.created_at AS updated_at, u.display_name, d.uploader_id,
       (SELECT COUNT(*) FROM documents_versions c WHERE c.document_id = d.id) AS versions
     FROM documents d JOIN documents_versions v ON v.id = d.current_version_id LEFT JOIN users u ON u.id = v.uploader_id
     WHERE d.container_type = :type AND d.container_id = :containerId AND ${folderId === null ? "d.folder_id IS NULL" : "d.folder_id = :folderId"}
       AND d.deleted_at IS NULL ${after ? "AND (d.name_key > :key OR (d.name_key = :key AND d.id > :afterId))" : ""}
     ORDER BY d.name_key, d.id LIMIT :limit`,
    { replacements: { type: container.type, containerId: container.id, folderId, key: after?.key ?? "", afterId: after?.id ?? 0, limit: limit + 1 }, type: QueryTypes.SELECT },
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next = rows.length > limit && last ? Buffer.from(JSON.stringify([last.name_key, Number(last.id)])).toString("base64url") : null;
  const documents: ListedDocument[] = page.map((row) => ({
    id: Number(row.id),
    name: row.name,
    size: Number(row.size),
    mime: row.mime,
    hasThumbnail: Boolean(row.has_thumbnail),
    updatedAt: new Date(row.updated_at),
    uploaderName: row.display_name,
    uploaderId: row.uploader_id === null ? null : Number(row.uploader_id),
    versions: Number(row.versions),
  }));
  return { documents, next };
}

/** A size as people read it: the unit is a key of documents:size. */
export function sizeOf(bytes: number) {
  if (bytes >= 1024 * 1024 * 1024) return { value: Math.round((bytes / 1024 ** 3) * 10) / 10, unit: "gb" };
  if (bytes >= 1024 * 1024) return { value: Math.round((bytes / 1024 ** 2) * 10) / 10, unit: "mb" };
  if (bytes >= 1024) return { value: Math.round(bytes / 1024), unit: "kb" };
  return { value: bytes, unit: "bytes" };
}

async function folderPage(ctx: Ctx, host: Host, folder: Folder | null) {
  const container = containerOf(ctx);
  const user = ctx.state.user!;
  const rights = await rightsOf(host, ctx);
  const base = baseOf(container);
  const here = folder ? `${base}/f/${folder.id}` : base;
  const { documents, next } = await listDocuments(host, container, folder?.id ?? null, cursorOf(queryValue(ctx, "after")));
  const hidden = await hiddenOf(host, ctx);
  const children = await Folder.findAll({ where: { containerType: container.type, containerId: container.id, parentId: folder?.id ?? null }, order: [["nameKey", "ASC"], ["id", "ASC"]] });
  const folders = children.filter((child) => !hidden.has(child.id));
  const [usage, quota, { maxFileMb }] = await Promise.all([usageOf(host, container), quotaOf(host), host.settings.read(siteSettings)]);
  await ctx.render("documents/folder.njk", {
    title: folder ? folder.name : ctx.state.t("documents:title"),
    container,
    base,
    here,
    folder,
    path: await pathOf(host, folder),
    folders,
    documents: documents.map((document) => ({ ...document, sizeShown: sizeOf(document.size), mayChange: mayChange(rights, user, document) })),
    nextUrl: next ? `${here}?after=${next}` : null,
    rights,
    moveChoices: folder && rights.manage ? await folderChoices(container, hidden, folder) : [],
    usage: { used: sizeOf(usage), quota: sizeOf(quota), percent: Math.min(100, Math.round((usage / quota) * 100)) },
    maxFileMb,
    maxFiles: maxFilesPerUpload,
  });
}


/** Back to where the form was sent from, inside this container's documents only. */
function backTo(ctx: Ctx, fallback: string) {
  const raw = bodyText(ctx, "returnTo");
  return raw.startsWith(`${baseOf(containerOf(ctx))}`) && !raw.includes("//") && !raw.includes("..") ? raw : fallback;
}

async function mustChange(host: Host, ctx: Ctx, document: Document): Promise<Rights> {
  const rights = await rightsOf(host, ctx);
  if (!mayChange(rights, ctx.state.user, document)) throw forbidden("documents:errors.notYours");
  return rights;
}

async function mustManage(host: Host, ctx: Ctx): Promise<Rights> {
  const rights = await rightsOf(host, ctx);
  if (!rights.manage) throw forbidden("documents:errors.noManage");
  return rights;
}

/** A name from a form, or a 422 with the reason. */
function nameFrom(ctx: Ctx): string {
  const checked = checkName(bodyText(ctx, "name"));
  if ("error" in checked) throw new HttpError(422, checked.error);
  return checked.name;
}

const conflict = () => new HttpError(409, "documents:errors.nameTaken");

/**
 * After an upload: a redirect for a form, or where to go for the page's script (it sent the form itself to
 * show progress), so the flash message waits for the page the script then opens.
 */
function redirectAfterUpload(ctx: Ctx, location: string) {
  if (ctx.get("x-documents-upload") !== "1") return ctx.redirect(location);
  ctx.body = { location };
}

/** The documents of one container (a group's, or the company space): /g/<slug>/documents/... and /company/documents/... */
export function documentRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>();
  router.use(requireUser);
  // An archived group's documents are read only: every form that changes something is refused there.
  router.use(async (ctx, next) => {
    if (ctx.method === "POST" && (await host.isReadOnly(ctx.state.container!))) throw forbidden("documents:errors.readOnly");
    await next();
  });
  // A file or folder someone holds a WebDAV lock on is not changed under them here either (a 423 page).
  router.use(webLockGuard(host));

  router.get("/", (ctx) => folderPage(ctx, host, null));
  router.get("/f/:folderId", async (ctx) => folderPage(ctx, host, await folderIn(host, ctx, ctx.params.folderId)));

  router.post("/folders", async (ctx) => {
    const container = containerOf(ctx);
    await mustManage(host, ctx);
    const parent = await folderField(host, ctx, bodyText(ctx, "parent"));
    const name = nameFrom(ctx);
    if (parent && (await pathOf(host, parent)).length >= maxDepth) throw new HttpError(422, "documents:errors.tooDeep");
    try {
      const folder = await Folder.create({ containerType: container.type, containerId: container.id, parentId: parent?.id ?? null, name, nameKey: nameKey(name), createdBy: ctx.state.user!.id });
      flash(ctx, "success", "documents:flash.folderCreated");
      ctx.redirect(`${baseOf(container)}/f/${folder.id}`);
    } catch (error) {
      throw error instanceof UniqueConstraintError ? conflict() : error;
    }
  });

  router.post("/f/:folderId/rename", async (ctx) => {
    const container = containerOf(ctx);
    await mustManage(host, ctx);
    const folder = await folderIn(host, ctx, ctx.params.folderId);
    const name = nameFrom(ctx);
    try {
      await folder.update({ name, nameKey: nameKey(name) });
    } catch (error) {
      throw error instanceof UniqueConstraintError ? conflict() : error;
    }
    flash(ctx, "success", "documents:flash.renamed");
    ctx.redirect(`${baseOf(container)}/f/${folder.id}`);
  });

  router.post("/f/:folderId/move", async (ctx) => {
    const container = containerOf(ctx);
    await mustManage(host, ctx);
    const folder = await folderIn(host, ctx, ctx.params.folderId);
    const parent = await folderField(host, ctx, bodyText(ctx, "parent"));
    // Not into itself or one of its own folders.
    const above = parent ? await pathOf(host, parent) : [];
    if (above.some((step) => step.id === folder.id)) throw new HttpError(422, "documents:errors.moveInside");
    // The folder's own depth below it counts too: the deepest folder must stay within maxDepth.
    if (above.length + (await depthBelow(host, folder)) >= maxDepth) throw new HttpError(422, "documents:errors.tooDeep");
    try {
      await host.sequelize.transaction(async (transaction) => {
        await folder.update({ parentId: parent?.id ?? null }, { transaction });
        await syncSearchVisibility(host, container, transaction);
      });
    } catch (error) {
      throw error instanceof UniqueConstraintError ? conflict() : error;
    }
    flash(ctx, "success", "documents:flash.moved");
    ctx.redirect(`${baseOf(container)}/f/${folder.id}`);
  });

  // A folder goes with its folders; the documents in them go to the trash (restored to the top level).
  router.post("/f/:folderId/delete", async (ctx) => {
    const container = containerOf(ctx);
    await mustManage(host, ctx);
    const folder = await folderIn(host, ctx, ctx.params.folderId);
    await deleteFolderTree(host, container, folder, ctx.state.user!.id);
    flash(ctx, "success", "documents:flash.folderDeleted");
    ctx.redirect(folder.parentId ? `${baseOf(container)}/f/${folder.parentId}` : baseOf(container));
  });

  router.post("/upload", async (ctx) => {
    const container = containerOf(ctx);
    const user = ctx.state.user!;
    const rights = await rightsOf(host, ctx);
    if (!rights.upload) throw forbidden("documents:errors.noUpload");
    const { maxFileMb } = await host.settings.read(siteSettings);
    const uploads = await receiveUploads(host, ctx, { maxFileBytes: maxFileMb * 1024 * 1024, maxFiles: maxFilesPerUpload, allowEmpty: true });
    const folder = await folderField(host, ctx, bodyText(ctx, "folder"));
    await refuseLockedUploads(host, ctx, folder, uploads);
    const note = bodyText(ctx, "note").trim();
    if (note.length > 500) throw new HttpError(422, "documents:errors.noteLong");
    const { documentIds } = await storeBatch(host, host.policyOf(ctx), user, { container, folderId: folder?.id ?? null, uploads, note });
    flash(ctx, "success", "documents:flash.uploaded", { count: documentIds.length });
    redirectAfterUpload(ctx, folder ? `${baseOf(container)}/f/${folder.id}` : baseOf(container));
  });

  router.get("/d/:id", async (ctx) => {
    const container = containerOf(ctx);
    const user = ctx.state.user!;
    const rights = await rightsOf(host, ctx);
    const document = await documentIn(host, ctx, ctx.params.id);
    const versions = await host.sequelize.query<{ id: number; note: string; size: number | string; mime: string; created_at: string | Date; display_name: string | null; restored_from: number | null }>(
      `SELECT v.id, v.note, v.size, v.mime, v.created_at, v.restored_from, u.display_name FROM documents_versions v LEFT JOIN users u ON u.id = v.uploader_id
       WHERE v.document_id = :id ORDER BY v.id DESC`,
      { replacements: { id: document.id }, type: QueryTypes.SELECT },
    );
    const numbers = new Map(versions.map((version, index) => [Number(version.id), versions.length - index]));
    const current = await versionOf(document, undefined);
    const folder = document.folderId ? await Folder.findByPk(document.folderId) : null;
    const base = baseOf(container);
    await ctx.render("documents/document.njk", {
      title: document.name,
      container,
      base,
      document,
      path: await pathOf(host, folder),
      rights,
      mayChange: mayChange(rights, user, document),
      versions: versions.map((version) => ({
        id: Number(version.id),
        number: numbers.get(Number(version.id)),
        note: version.note,
        size: sizeOf(Number(version.size)),
        createdAt: new Date(version.created_at),
        uploaderName: version.display_name,
        restoredFrom: version.restored_from ? numbers.get(Number(version.restored_from)) : null,
        isCurrent: Number(version.id) === document.currentVersionId,
      })),
      moveChoices: await folderChoices(container, await hiddenOf(host, ctx)),

      maxFileMb: (await host.settings.read(siteSettings)).maxFileMb,
      preview: await previewOf(host, document, current),
      receipts: await receiptsOf(host, document, user.id),
      lock: await lockNoticeOf(host, container, document, user, rights),
    });
  });

  router.post("/d/:id/lock/break", (ctx) => breakLock(host, ctx));

  // A PDF's first page as drawn in background work (the image, or its thumbnail with ?size=small).
  router.get("/d/:id/page", async (ctx) => {
    const version = await versionOf(await documentIn(host, ctx, ctx.params.id), queryValue(ctx, "version"));
    if (!version.previewFileId) throw notFound();
    await host.files.send(ctx, version.previewFileId, { thumbnail: queryValue(ctx, "size", ["small"]) === "small" });
  });

  // The file itself: as a download, in the page (images and videos only: core decides), or an image's thumbnail.
  for (const [path, options] of [["download", { download: true }], ["view", {}], ["thumbnail", { thumbnail: true }]] as const) {
    router.get(`/d/:id/${path}`, async (ctx) => {
      const container = containerOf(ctx);
      await rightsOf(host, ctx);
      const version = await versionOf(await documentIn(host, ctx, ctx.params.id), queryValue(ctx, "version"));
      if (path === "thumbnail" && !version.hasThumbnail) throw notFound();
      await host.files.send(ctx, version.fileId, options);
    });
  }

  router.post("/d/:id/versions", async (ctx) => {
    const container = containerOf(ctx);
    const user = ctx.state.user!;
    const rights = await rightsOf(host, ctx);
    if (!rights.upload) throw forbidden("documents:errors.noUpload");
    const document = await documentIn(host, ctx, ctx.params.id);
    const { maxFileMb } = await host.settings.read(siteSettings);
    const uploads = await host.files.receive(ctx, { maxFileBytes: maxFileMb * 1024 * 1024, maxFiles: 1, allowEmpty: true });
    const note = bodyText(ctx, "note").trim();
    if (note.length > 500) throw new HttpError(422, "documents:errors.noteLong");
    await storeBatch(host, host.policyOf(ctx), user, { container, folderId: document.folderId, uploads, note, target: document });
    flash(ctx, "success", "documents:flash.versionAdded");
    redirectAfterUpload(ctx, `${baseOf(container)}/d/${document.id}`);
  });

  // Restoring a version makes it the newest again: a new version sharing its file, the history kept.
  router.post("/d/:id/versions/:versionId/restore", async (ctx) => {
    const container = containerOf(ctx);
    const user = ctx.state.user!;
    const rights = await rightsOf(host, ctx);
    if (!rights.upload) throw forbidden("documents:errors.noUpload");
    const document = await documentIn(host, ctx, ctx.params.id);
    const old = await Version.findOne({ where: { id: idParam(ctx.params.versionId), documentId: document.id } });
    if (!old) throw notFound();
    await host.sequelize.transaction(async (transaction) => {
      const version = await Version.create(
        { documentId: document.id, fileId: old.fileId, uploaderId: user.id, batchId: null, note: bodyText(ctx, "note").trim().slice(0, 500), size: old.size, mime: old.mime, restoredFrom: old.id, hasThumbnail: old.hasThumbnail, docName: document.name, extractedText: old.extractedText, previewFileId: old.previewFileId },
        { transaction },
      );
      await advanceCurrent(host, document.id, version.id, transaction);
    });
    flash(ctx, "success", "documents:flash.versionRestored");
    ctx.redirect(`${baseOf(container)}/d/${document.id}`);
  });

  router.post("/d/:id/rename", async (ctx) => {
    const container = containerOf(ctx);
    const document = await documentIn(host, ctx, ctx.params.id);
    await mustChange(host, ctx, document);
    const name = nameFrom(ctx);
    try {
      await host.sequelize.transaction(async (transaction) => {
        await document.update({ name, nameKey: nameKey(name) }, { transaction });
        await syncSearchName(document.id, name, transaction);
      });
    } catch (error) {
      throw error instanceof UniqueConstraintError ? conflict() : error;
    }
    flash(ctx, "success", "documents:flash.renamed");
    ctx.redirect(`${baseOf(container)}/d/${document.id}`);
  });

  router.post("/d/:id/move", async (ctx) => {
    const container = containerOf(ctx);
    const document = await documentIn(host, ctx, ctx.params.id);
    await mustChange(host, ctx, document);
    const folder = await folderField(host, ctx, bodyText(ctx, "folder"));
    try {
      await host.sequelize.transaction(async (transaction) => {
        await document.update({ folderId: folder?.id ?? null }, { transaction });
        await syncSearchVisibility(host, container, transaction);
      });
    } catch (error) {
      throw error instanceof UniqueConstraintError ? conflict() : error;
    }
    flash(ctx, "success", "documents:flash.moved");
    ctx.redirect(`${baseOf(container)}/d/${document.id}`);
  });

  // Required reading: whoever may change the file asks chosen readers (@usernames) to confirm they read it.
  router.post("/d/:id/read-requests", async (ctx) => {
    const container = containerOf(ctx);
    const document = await documentIn(host, ctx, ctx.params.id);
    await mustChange(host, ctx, document);
    const readers = await readersNamed(host, container, bodyText(ctx, "readers"));
    await askToRead(host, container, document, readers, ctx.state.user!);
    flash(ctx, "success", "documents:flash.readRequested", { count: readers.length });
    ctx.redirect(`${baseOf(container)}/d/${document.id}`);
  });

  router.post("/d/:id/read", async (ctx) => {
    const container = containerOf(ctx);
    const document = await documentIn(host, ctx, ctx.params.id);
    if (!(await confirmReading(host, document, ctx.state.user!.id))) throw forbidden("documents:errors.notAsked");
    flash(ctx, "success", "documents:flash.readConfirmed");
    ctx.redirect(`${baseOf(container)}/d/${document.id}`);
  });

  // The groups a file can move to, asked only when someone opens this page (one check per group they are in).
  router.get("/d/:id/transfer", async (ctx) => {
    const container = containerOf(ctx);
    const document = await documentIn(host, ctx, ctx.params.id);
    await mustChange(host, ctx, document);
    await ctx.render("documents/transfer.njk", {
      title: ctx.state.t("documents:transfer.label"),
      container,
      base: baseOf(container),
      path: [],
      document,
      targets: await transferTargets(host, ctx.state.user!, container),
    });
  });

  // To another group's documents, for someone who may change this file and manages folders there.
  router.post("/d/:id/transfer", async (ctx) => {
    const container = containerOf(ctx);
    const user = ctx.state.user!;
    const document = await documentIn(host, ctx, ctx.params.id);
    await mustChange(host, ctx, document);
    const targetId = idParam(bodyText(ctx, "group"));
    const target = (await transferTargets(host, user, container)).find((candidate) => candidate.id === targetId);
    if (!target) throw new HttpError(422, "documents:errors.transferTarget");
    try {
      await transferDocument(host, document, container, target);
    } catch (error) {
      throw error instanceof UniqueConstraintError ? conflict() : error;
    }
    flash(ctx, "success", "documents:flash.transferred", { group: target.name });
    ctx.redirect(`${baseOf(target)}/d/${document.id}`);
  });

  router.post("/d/:id/delete", async (ctx) => {
    const container = containerOf(ctx);
    const document = await documentIn(host, ctx, ctx.params.id);
    await mustChange(host, ctx, document);
    await host.sequelize.transaction(async (transaction) => {
      await document.update({ deletedAt: new Date(), deletedBy: ctx.state.user!.id }, { transaction });
      await syncSearchVisibility(host, container, transaction);
    });
    flash(ctx, "success", "documents:flash.trashed");
    ctx.redirect(backTo(ctx, document.folderId ? `${baseOf(container)}/f/${document.folderId}` : baseOf(container)));
  });

  router.get("/trash", async (ctx) => {
    const container = containerOf(ctx);
    const user = ctx.state.user!;
    const rights = await rightsOf(host, ctx);
    const since = new Date(Date.now() - trashDays * 24 * 3600_000);
    const trashed = await Document.findAll({
      // Files deleted with their folder come back with it: the folder is listed instead.
      where: { containerType: container.type, containerId: container.id, deletedAt: { [Op.gte]: since }, trashedWithFolder: null, ...(rights.deleteOthers ? {} : { uploaderId: user.id }) },
      order: [["deletedAt", "DESC"], ["id", "DESC"]],
      limit: 200,
    });
    const hidden = await hiddenOf(host, ctx);
    await ctx.render("documents/trash.njk", {
      title: ctx.state.t("documents:trash.title"),
      container,
      base: baseOf(container),
      path: [],
      trashPage: true,
      rights,
      folders: (await trashedFolders(host, container, since, rights.deleteOthers ? null : user.id))
        .filter((folder) => !hidden.has(folder.id))
        .map((folder) => ({ ...folder, until: new Date(folder.deletedAt.getTime() + trashDays * 24 * 3600_000) })),
      trashed: trashed.filter((document) => !(document.folderId && hidden.has(document.folderId))).map((document) => ({ id: document.id, name: document.name, deletedAt: document.deletedAt, until: new Date(document.deletedAt!.getTime() + trashDays * 24 * 3600_000) })),
    });
  });

  // The files attached to posts and comments here, beside the documents (core serves them, checking again).
  router.get("/from-posts", async (ctx) => {
    const container = containerOf(ctx);
    await rightsOf(host, ctx);
    const raw = queryValue(ctx, "before");
    const before = raw ? idParam(raw) : null;
    if (raw && !before) throw new HttpError(400, "documents:errors.cursor");
    const { files, next } = await filesFromPosts(host, ctx, before);
    const base = baseOf(container);
    await ctx.render("documents/from-posts.njk", {
      title: ctx.state.t("documents:fromPosts.title"),
      container,
      base,
      path: [],
      trashPage: true,
      files: files.map((file) => ({ ...file, size: sizeOf(file.size) })),
      nextUrl: next ? `${base}/from-posts?before=${next}` : null,
    });
  });

  router.post("/d/:id/restore", async (ctx) => {
    const container = containerOf(ctx);
    const document = await documentIn(host, ctx, ctx.params.id, { trashed: true });
    await mustChange(host, ctx, document);
    if (document.deletedAt!.getTime() < Date.now() - trashDays * 24 * 3600_000) throw notFound();
    // Its folder may be gone (deleted with it): then it comes back at the top level.
    const folderId = document.folderId && (await Folder.findByPk(document.folderId)) ? document.folderId : null;
    try {
      await host.sequelize.transaction(async (transaction) => {
        await document.update({ deletedAt: null, deletedBy: null, folderId }, { transaction });
        await syncSearchVisibility(host, container, transaction);
      });
    } catch (error) {
      throw error instanceof UniqueConstraintError ? conflict() : error;
    }
    flash(ctx, "success", "documents:flash.restored");
    ctx.redirect(`${baseOf(container)}/d/${document.id}`);
  });

  // A folder deleted as a whole comes back as a whole, by whoever deleted it (still managing folders) or a moderator.
  router.post("/trash/folders/:folderId/restore", async (ctx) => {
    const container = containerOf(ctx);
    const rights = await rightsOf(host, ctx);
    const id = idParam(ctx.params.folderId);
    const folder = id ? await Folder.findOne({ where: { id, containerType: container.type, containerId: container.id, trashRootId: id }, paranoid: false }) : null;
    if (!folder?.deletedAt || folder.deletedAt.getTime() < Date.now() - trashDays * 24 * 3600_000 || (await hiddenOf(host, ctx)).has(folder.id)) throw notFound();
    if (!rights.deleteOthers && !(rights.manage && folder.deletedBy === ctx.state.user!.id)) throw forbidden("documents:errors.folderRestoreNotYours");
    const name = await restoreFolderTree(host, container, folder);
    if (name === folder.name) flash(ctx, "success", "documents:flash.folderRestored");
    else flash(ctx, "success", "documents:flash.folderRestoredAs", { name });
    ctx.redirect(`${baseOf(container)}/f/${folder.id}`);
  });

  router.get("/zip", async (ctx) => zipFolder(ctx, host, null, await hiddenOf(host, ctx)));
  router.get("/f/:folderId/zip", async (ctx) => zipFolder(ctx, host, await folderIn(host, ctx, ctx.params.folderId), await hiddenOf(host, ctx)));

  // A folder open only to the space's moderators (or open again), set by a moderator who manages folders.
  router.post("/f/:folderId/restrict", async (ctx) => {
    const container = containerOf(ctx);
    const rights = await rightsOf(host, ctx);
    if (!rights.manage || !rights.deleteOthers) throw forbidden("documents:errors.noRestrict");
    const folder = await folderIn(host, ctx, ctx.params.folderId);
    await host.sequelize.transaction(async (transaction) => {
      await folder.update({ isRestricted: bodyText(ctx, "restricted") === "1" }, { transaction });
      await syncSearchVisibility(host, container, transaction);
    });
    flash(ctx, "success", folder.isRestricted ? "documents:flash.restricted" : "documents:flash.opened");
    ctx.redirect(`${baseOf(container)}/f/${folder.id}`);
  });

  return router;
}

