import { forbidden, type Container, type Host, type User } from "../../core/sdk/index.ts";

/** The module's permissions, in each group's permission matrix (and answered by role in the company space). */
export const permissions = {
  view: "documents.view",
  upload: "documents.upload",
  manage: "documents.manage-folders",
  deleteOthers: "documents.delete-others",
} as const;

export const permissionDefinitions = [
  { id: permissions.view, scope: "group" as const, defaults: ["owner", "admin", "moderator", "member"] },
  { id: permissions.upload, scope: "group" as const, defaults: ["owner", "admin", "moderator", "member"] },
  { id: permissions.manage, scope: "group" as const, defaults: ["owner", "admin", "moderator"] },
  { id: permissions.deleteOthers, scope: "group" as const, defaults: ["owner", "admin", "moderator"] },
];

/** What the viewer may do with the documents of one container. */
export interface Rights {
  view: boolean;
  upload: boolean;
  manage: boolean;
  /** Rename, move, delete and restore other people's documents, open restricted folders: a moderator's right. */
  deleteOthers: boolean;
  /** The container takes no writes (an archived group): everything can be read, nothing changed. */
  readOnly: boolean;
}

export async function rightsIn(host: Host, user: User | null, container: Container): Promise<Rights> {
  const [view, upload, manage, deleteOthers] = await Promise.all(
    [permissions.view, permissions.upload, permissions.manage, permissions.deleteOthers].map((id) => host.can(user, id, container)),
  );
  // Nothing without the right to view: a right to upload alone opens nothing. An archived group is read only.
  const readOnly = await host.isReadOnly(container);
  return { view, upload: view && upload && !readOnly, manage: view && manage && !readOnly, deleteOthers: view && deleteOthers, readOnly };
}

/** The rights of a viewer who may at least view; a reader of the container without it gets "forbidden". */
export async function viewerRights(host: Host, user: User | null, container: Container): Promise<Rights> {
  const rights = await rightsIn(host, user, container);
  if (!rights.view) throw forbidden("documents:errors.noView");
  return rights;
}

/** Whether the viewer may change (rename, move, delete, restore) a document: its uploader with the right to upload, or a moderator. */
export function mayChange(rights: Rights, user: User | null, document: { uploaderId: number | null }) {
  if (rights.readOnly) return false;
  return rights.deleteOthers || (rights.upload && Boolean(user) && document.uploaderId === user!.id);
}

/** Where a container's documents live in the site: /g/<slug>/documents, or /company/documents. */
export function baseOf(container: Container): string {
  return container.type === "group" ? `/g/${container.slug}/documents` : `/${container.slug}/documents`;
}
