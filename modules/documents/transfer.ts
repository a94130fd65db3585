import { QueryTypes } from "sequelize";
import { HttpError, type Container, type Host, type User } from "../../core/sdk/index.ts";
import { permissions } from "./access.ts";
import { Document, Version } from "./models.ts";
import { syncSearchVisibility } from "./restrict.ts";
import { addUsage, quotaOf, usageOf } from "./store.ts";

/**
 * The other groups a person may move a document to: groups they belong to (read from the groups module's
 * tables, which this module requires) where documents are on, not archived, and where they may manage folders.
 */
export async function transferTargets(host: Host, user: User, current: Container): Promise<Container[]> {
  const rows = await host.sequelize.query<{ id: number; slug: string; name: string }>(
    `SELECT g.id, g.slug, g.name FROM group_memberships m JOIN groups g ON g.id = m.group_id
     WHERE m.user_id = :userId AND g.is_archived = :no ORDER BY g.sort_name, g.id LIMIT 100`,
    { replacements: { userId: user.id, no: false }, type: QueryTypes.SELECT },
  );
  const targets: Container[] = [];
  for (const row of rows) {
    const container: Container = { type: "group", id: Number(row.id), slug: row.slug, name: row.name };
    if (current.type === "group" && container.id === current.id) continue;
    if ((await host.isOnIn(container)) && (await host.can(user, permissions.manage, container)) && (await host.can(user, permissions.upload, container))) targets.push(container);
  }
  return targets;
}

/**
 * Moves a document, with every version, to the top level of another group's documents: its usage moves
 * with it (checked against the target's quota), and its versions leave the upload entries of the group it
 * leaves (their stream and search stay with that group's readers). A name taken there is a 409.
 */
export async function transferDocument(host: Host, document: Document, from: Container, to: Container) {
  const files = await host.sequelize.query<{ size: number | string }>(
    "SELECT MAX(size) AS size FROM documents_versions WHERE document_id = :id GROUP BY file_id",
    { replacements: { id: document.id }, type: QueryTypes.SELECT },
  );
  const bytes = files.reduce((sum, file) => sum + Number(file.size), 0);
  const quota = await quotaOf(host);
  if ((await usageOf(host, to)) + bytes > quota) throw new HttpError(413, "documents:errors.quota");
  await host.sequelize.transaction(async (transaction) => {
    const taken = await Document.findOne({ where: { containerType: to.type, containerId: to.id, folderId: null, nameKey: document.nameKey, deletedAt: null }, transaction });
    if (taken) throw new HttpError(409, "documents:errors.nameTaken");
    await document.update({ containerType: to.type, containerId: to.id, folderId: null }, { transaction });
    await Version.update({ batchId: null }, { where: { documentId: document.id }, transaction });
    await addUsage(host, from, -bytes, transaction);
    await addUsage(host, to, bytes, transaction);
    if ((await usageOf(host, to, transaction)) > quota) throw new HttpError(413, "documents:errors.quota"); // an upload there meanwhile
    await syncSearchVisibility(host, to, transaction);
  });
}
