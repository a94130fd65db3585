import type { User } from "../models/user.ts";
import type { ContainerSearch } from "../search/types.ts";

// The containers content lives in, as the policy layer reads them: a leaf of the module contract
// (core/modules/types.ts re-exports it), so the policy and request layers need nothing above them.

/** A place content lives in and modules can be switched on for: a group, a user profile... */
export interface Container {
  type: string;
  id: number;
  slug: string;
  name: string;
}

/** A member's choice for one container, answered by its container type (ContainerTypeDefinition.notificationLevels). */
export type ContainerNotificationLevel = "all" | "highlights" | "none";

/** What the policy layer needs to know about a kind of container, answered by the module that owns it. */
export interface ContainerTypeDefinition {
  type: string;
  /** URL prefix of its pages, e.g. "/g" for /g/:slug; a container's page is `${routePrefix}/${slug}`. */
  routePrefix: string;
  resolve(slug: string): Promise<Container | null>;
  /** Containers by id, for a page of stream entries: one query whatever their number. */
  byIds(ids: number[]): Promise<Map<number, Container>>;
  /**
   * The user's role in the container, or null if none. Core reads "owner" and "admin" as managers
   * (pin, announce, @-mention the whole container) and "moderator" as able to moderate content.
   */
  roleOf(user: User | null, container: Container): Promise<string | null>;
  /** roleOf for many containers of this type at once (a page of stream entries). */
  rolesOf(user: User, ids: number[]): Promise<Map<number, string>>;
  canRead(user: User | null, container: Container): Promise<boolean>;
  /** May the user write content here (archived or read-only containers say no)? */
  canPost(user: User, container: Container): Promise<boolean>;
  /** Whether nothing may be written here now (an archived group): content types with their own create permission are refused too. */
  isReadOnly?(container: Pick<Container, "type" | "id">): Promise<boolean>;
  /** The containers of this type the user may post in now (the composer's "Post to" list), in one query, by name. */
  postable?(user: User): Promise<Container[]>;
  /** Ids of this type the user may read, or "all": one indexed query (topic pages, search, feeds). */
  readableIds(user: User): Promise<number[] | "all">;
  /** Ids of this type whose content appears on the user's dashboard (memberships shown there). */
  dashboardIds(user: User): Promise<number[]>;
  /** Ids of the users who hold a role in the container (for @-mentions of the whole container). */
  memberIds?(container: Container): Promise<number[]>;
  /** Roles granted a permission in this container when its admins changed the defaults; null keeps them. */
  grantedRoles?(container: Container, permissionId: string): Promise<string[] | null>;
  /** grantedRoles for many containers and permissions in one query: the choices made, by container then permission (defaults left out). */
  grantedRolesIn?(ids: number[], permissionIds: string[]): Promise<Map<number, Map<string, string[]>>>;
  /** Each member's notification level here (a user missing from the map gets "all"); without it, everyone gets "all". */
  notificationLevels?(container: Container, userIds: number[]): Promise<Map<number, ContainerNotificationLevel>>;
  /** Makes containers of this type searchable and offered by autocomplete (docs/search.md). */
  search?: ContainerSearch;
}
