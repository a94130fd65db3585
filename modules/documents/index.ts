import { defineModule, type Container, type Host } from "../../core/sdk/index.ts";
import { baseOf, permissionDefinitions, permissions } from "./access.ts";
import { batchContentType } from "./batch.ts";
import { Batch, Document, Folder, Version } from "./models.ts";
import { extractFile } from "./extract.ts";
import { purgeTrash } from "./purge.ts";
import { readRequestType } from "./reading.ts";
import { documentRoutes } from "./routes.ts";
import { appPasswordRoutes } from "./app-passwords.ts";
import { webdavRoutes } from "./webdav.ts";
import { siteSettings } from "./settings.ts";

/**
 * Documents: folders, files and their versions for each group (switched on per group) and one company-wide
 * space (/company/documents, on with the module). See docs/documents.md.
 */
export default defineModule({
  id: "documents",
  version: "1.0.0",
  requires: ["groups"],
  scopes: ["instance", "group"],
  models: [Folder, Batch, Document, Version],
  migrations: "migrations",
  permissions: permissionDefinitions,
  settings: { instance: siteSettings },
  assets: { stylesheets: ["documents.css"], scripts: ["documents.js"] },
  register(host) {
    moduleHost = host;
    host.contentType(batchContentType(host));
    // The same pages in every group where it is on and in the company space.
    host.containerRoutes("group", documentRoutes(host));
    host.containerRoutes("company", documentRoutes(host));
    host.menu("group", { label: "documents:menu", href: (group: Container) => baseOf(group), order: 20, permission: permissions.view });
    host.menu("main", { label: "documents:companyMenu", href: "/company/documents", order: 40 });
    // App passwords, in the account menu (for WebDAV clients).
    host.routes(appPasswordRoutes(host));
    // WebDAV at /dav/documents/ for file managers and sync tools, signed in with an app password.
    host.rawRoutes(webdavRoutes(host));
    host.menu("user", { label: "documents:appPasswords.menu", href: "/documents/app-passwords", order: 50 });
    host.notificationType({
      id: readRequestType,
      label: "documents:notifications.readRequest",
      message: "documents:notifications.readRequestLine",
      defaults: { web: true, email: true },
      level: "always", // addressed to the person: they were chosen to read it
    });
    // Files in the trash for more than 30 days go for good, once a day.
    host.jobs.every("purge-trash", 24 * 3600_000, () => purgeTrash(host));
    // Each uploaded version's text, for search (queued by the upload, see store.ts).
    host.jobs.handle<{ versionId: number }>("extract", async ({ versionId }, { finish }) => {
      const version = await Version.findByPk(versionId);
      if (!version || version.extractedText !== null) return;
      // In a worker with a capped heap and a clock (isolated.ts): a hostile file ends with no text or preview.
      const extracted = await extractFile(host, version.fileId, version.mime, { page: true });
      if (extracted.failure) host.logger.warn({ versionId, failure: extracted.failure }, "documents: extraction stopped");
      const text = extracted.text ?? "";
      // A PDF's first page, drawn once and stored as an image (its thumbnail made by host.files).
      const preview = extracted.page ? await host.files.put({ name: "page-1.png", data: extracted.page, type: "image/png" }).catch(() => null) : null;
      try {
        await finish((transaction) => Version.update({ extractedText: text, previewFileId: preview?.id ?? null }, { where: { id: versionId }, transaction }));
      } catch (error) {
        if (preview) await host.files.remove(preview);
        throw error;
      }
    });
  },
  // A removed group's documents go with it: its versions' files, then its rows.
  async onContainerRemoved(container, { transaction }) {
    const documents = await Document.findAll({ where: { containerType: container.type, containerId: container.id }, attributes: ["id"], transaction });
    const versions = await Version.findAll({ where: { documentId: documents.map((document) => document.id) }, attributes: ["fileId", "previewFileId"], transaction });
    await Version.destroy({ where: { documentId: documents.map((document) => document.id) }, transaction });
    await Document.destroy({ where: { containerType: container.type, containerId: container.id }, transaction });
    await Folder.destroy({ where: { containerType: container.type, containerId: container.id }, transaction, force: true }); // trashed ones too
    await Batch.destroy({ where: { containerType: container.type, containerId: container.id }, transaction });
    await moduleHost?.readReceipts.forget(documents.map((document) => `document:${document.id}`), { transaction });
    await moduleHost?.sequelize.query("DELETE FROM documents_usage WHERE container_type = :type AND container_id = :id", { replacements: { type: container.type, id: container.id }, transaction });
    // The rows now, the bytes once the removal commits.
    const fileIds = versions.flatMap((version) => (version.previewFileId ? [version.fileId, version.previewFileId] : [version.fileId]));
    for (const fileId of new Set(fileIds)) await moduleHost?.files.remove(fileId, { transaction });
  },
});

/** The host, kept by register for the removal hook (which is not handed it). */
let moduleHost: Host | null = null;
