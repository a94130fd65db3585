import type { Content } from "../models/content.ts";
import type { User } from "../models/user.ts";
import type { Container, ContainerTypeDefinition } from "../modules/container-types.ts";

/** What the policy reads of the module registry (ModuleRegistry answers it): the container and content types that are on. */
export interface PolicyTypes {
  containerType(type: string): ContainerTypeDefinition | null;
  contentType(type: string): object | null;
  /** Whether the module owning this content is on in its container (core's own types always are). */
  isContentSwitchedOn?(content: Pick<Content, "type" | "containerType" | "containerId">): Promise<boolean>;
  /** Whether the content's type shows this entry to this person (ContentTypeDefinition.shownTo; most types show every entry). */
  isContentShownTo?(content: Pick<Content, "id" | "type">, user: User | null): Promise<boolean>;
}

/** Container roles that manage a container (pin, announce, @-mention everyone) and that moderate its content. */
export const managerRoles = ["owner", "admin"];
export const moderatorRoles = ["owner", "admin", "moderator"];

/** How long a deleted content can still be restored by its author or a moderator. */
export const restoreWindowMs = 30 * 24 * 3600 * 1000;

/**
 * Content permission questions, answered through the container type that owns the content. One per
 * request (readable sets are cached on it), so a page asks each container type once.
 */
export class ContentPolicy {
  private readable = new Map<string, Promise<Set<number> | "all">>();
  private roles = new Map<string, Map<number, string>>();

  constructor(
    private registry: PolicyTypes,
    readonly user: User | null,
  ) {}

  private get activeUser() {
    return this.user && this.user.isActive ? this.user : null;
  }

  /** Ids of this container type the user may read, computed once per request. */
  readableIds(containerType: string): Promise<Set<number> | "all"> {
    const user = this.activeUser;
    const definition = this.registry.containerType(containerType);
    if (!user || !definition) return Promise.resolve(new Set());
    let ids = this.readable.get(containerType);
    if (!ids) {
      ids = definition.readableIds(user).then((result) => (result === "all" ? "all" : new Set(result)));
      this.readable.set(containerType, ids);
    }
    return ids;
  }

  async canReadContainer(containerType: string, containerId: number): Promise<boolean> {
    const ids = await this.readableIds(containerType);
    return ids === "all" || ids.has(containerId);
  }

  async canReadContainerOf(container: Container) {
    const definition = this.registry.containerType(container.type);
    return Boolean(definition && (await definition.canRead(this.activeUser, container)));
  }

  /** Loads the user's roles for these contents' containers in one query per container type. */
  async loadRoles(contents: Pick<Content, "containerType" | "containerId">[]) {
    const user = this.activeUser;
    if (!user) return;
    const wanted = new Map<string, number[]>();
    for (const { containerType, containerId } of contents) {
      const known = this.roles.get(containerType);
      if (known?.has(containerId)) continue;
      wanted.set(containerType, [...(wanted.get(containerType) ?? []), containerId]);
    }
    for (const [type, ids] of wanted) {
      const definition = this.registry.containerType(type);
      if (!definition) continue;
      const roles = await definition.rolesOf(user, [...new Set(ids)]);
      const known = this.roles.get(type) ?? new Map<number, string>();
      for (const id of ids) known.set(id, roles.get(id) ?? "");
      this.roles.set(type, known);
    }
  }

  /** The user's role in a content's container ("" when none); call loadRoles first for a page of contents. */
  async roleIn(content: Pick<Content, "containerType" | "containerId">): Promise<string> {
    if (!this.roles.get(content.containerType)?.has(content.containerId)) await this.loadRoles([content]);
    return this.roles.get(content.containerType)?.get(content.containerId) ?? "";
  }

  async canModerate(content: Pick<Content, "containerType" | "containerId">) {
    if (!this.activeUser) return false;
    return this.activeUser.isAdmin || moderatorRoles.includes(await this.roleIn(content));
  }

  async canManage(content: Pick<Content, "containerType" | "containerId">) {
    if (!this.activeUser) return false;
    return this.activeUser.isAdmin || managerRoles.includes(await this.roleIn(content));
  }

  /** Live content in a readable container; deleted content only for its author and moderators, hidden only for moderators. */
  async canRead(content: Content): Promise<boolean> {
    if (!this.registry.contentType(content.type)) return false;
    if (!(await this.canReadContainer(content.containerType, content.containerId))) return false;
    if (content.hiddenAt && !(await this.canModerate(content))) return false;
    if (content.deletedAt && content.authorId !== this.user?.id && !(await this.canModerate(content))) return false;
    return true;
  }

  /**
   * canRead, the content's module on in its container, and its type showing it to this person: for one content
   * opened by its address (its page, comments, reactions) or told about in a notification. Lists and search
   * apply the same rules in SQL (moduleGateSql, shownTo).
   */
  async canOpen(content: Content): Promise<boolean> {
    return (
      (await this.canRead(content)) &&
      (await (this.registry.isContentSwitchedOn?.(content) ?? true)) &&
      (await (this.registry.isContentShownTo?.(content, this.user) ?? true))
    );
  }

  /** Keeps the contents the user may read, in order: one readable-set lookup per container type. */
  async filterReadable(contents: Content[]): Promise<Content[]> {
    const kept: Content[] = [];
    if (contents.some((content) => !content.isLive)) await this.loadRoles(contents.filter((content) => !content.isLive));
    for (const content of contents) if (await this.canRead(content)) kept.push(content);
    return kept;
  }

  async canEdit(content: Content) {
    return Boolean(this.activeUser && content.authorId === this.activeUser.id && !content.deletedAt && !content.hiddenAt && (await this.canRead(content)));
  }

  async canDelete(content: Content) {
    if (content.deletedAt || !(await this.canRead(content))) return false;
    return content.authorId === this.activeUser?.id || (await this.canModerate(content));
  }

  async canRestore(content: Content, now = Date.now()) {
    if (!content.deletedAt || now - content.deletedAt.getTime() > restoreWindowMs) return false;
    if (!(await this.canReadContainer(content.containerType, content.containerId))) return false;
    return content.authorId === this.activeUser?.id || (await this.canModerate(content));
  }

  /** Writing in a container: its type decides (membership, archived, guests...). */
  async canPostIn(container: Container) {
    const user = this.activeUser;
    const definition = this.registry.containerType(container.type);
    return Boolean(user && definition && (await definition.canPost(user, container)));
  }
}
