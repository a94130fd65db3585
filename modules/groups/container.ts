import { Op, QueryTypes, type Sequelize } from "sequelize";
import type { User, Container, ContainerTypeDefinition } from "../../core/sdk/index.ts";
import { Group, containerOf } from "./models/group.ts";
import { GroupMembership } from "./models/membership.ts";
import { GroupPermission } from "./models/settings.ts";
import { defaultPostingRoles, grantedRoles, mayPost, mayRead, postPermission, postingRoles, rolesOfRow } from "./access.ts";
import { viewerMemberships } from "./queries/viewer-memberships.ts";

const isActive = (user: User | null): user is User => Boolean(user && user.isActive);

/** One query: the group's visibility and archive flag with the user's role in it. */
async function groupAndRole(sequelize: Sequelize, user: User, groupId: number) {
  const [row] = await sequelize.query<{ visibility: string; is_archived: boolean | number; role: string | null }>(
    `SELECT g.visibility, g.is_archived, m.role FROM "groups" g
     LEFT JOIN group_memberships m ON m.group_id = g.id AND m.user_id = :userId WHERE g.id = :groupId`,
    { replacements: { userId: user.id, groupId }, type: QueryTypes.SELECT },
  );
  return row ? { visibility: row.visibility as Group["visibility"], isArchived: Boolean(row.is_archived), role: row.role } : null;
}

/** The "group" container type: what core's policies ask about groups, each answered in one indexed query. */
export function groupContainerType(sequelize: Sequelize): ContainerTypeDefinition {
  return {
    type: "group",
    routePrefix: "/g",
    async resolve(slug) {
      if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(slug)) return null;
      const group = await Group.findOne({ where: { slug }, attributes: ["id", "slug", "name"] });
      return group ? containerOf(group) : null;
    },
    async byIds(ids) {
      if (ids.length === 0) return new Map();
      const groups = await Group.findAll({ where: { id: { [Op.in]: ids } }, attributes: ["id", "slug", "name"] });
      return new Map(groups.map((group) => [group.id, containerOf(group)]));
    },
    async roleOf(user, container) {
      if (!isActive(user)) return null;
      const membership = await GroupMembership.findOne({ where: { groupId: container.id, userId: user.id }, attributes: ["role"] });
      return membership?.role ?? null;
    },
    async rolesOf(user, ids) {
      if (!isActive(user) || ids.length === 0) return new Map();
      const wanted = new Set(ids);
      const memberships = await viewerMemberships(sequelize, user);
      return new Map(memberships.filter((membership) => wanted.has(membership.groupId)).map((membership) => [membership.groupId, membership.role]));
    },
    async canRead(user, container) {
      if (!isActive(user)) return false;
      const found = await groupAndRole(sequelize, user, container.id);
      return Boolean(found && mayRead(user, found, found.role));
    },
    async isReadOnly(container) {
      const group = await Group.findByPk(container.id, { attributes: ["id", "isArchived"] });
      return !group || group.isArchived;
    },
    async canPost(user, container) {
      if (!isActive(user)) return false;
      const found = await groupAndRole(sequelize, user, container.id);
      if (!found?.role) return false;
      return mayPost(user, found, found.role, await postingRoles(container.id));
    },
    // The composer's "Post to" list: the user's groups (the memberships the dashboard has read already), not
    // archived, where their role holds groups.post; one query for the groups whose admins changed who posts.
    async postable(user) {
      if (!isActive(user)) return [];
      const memberships = (await viewerMemberships(sequelize, user)).filter((membership) => !membership.isArchived);
      if (memberships.length === 0) return [];
      // Plain SQL: on every dashboard, where building a model query cost more than running it.
      const changed = await sequelize.query<{ group_id: number; roles: string }>("SELECT group_id, roles FROM group_permissions WHERE permission_id = :permission AND group_id IN (:ids)", {
        replacements: { permission: postPermission, ids: memberships.map((membership) => membership.groupId) },
        type: QueryTypes.SELECT,
      });
      const rolesIn = new Map(changed.map((row) => [Number(row.group_id), rolesOfRow(row.roles) ?? defaultPostingRoles]));
      return memberships
        .filter((membership) => mayPost(user, { isArchived: false }, membership.role, rolesIn.get(membership.groupId) ?? defaultPostingRoles))
        .map((membership) => containerOf({ id: membership.groupId, slug: membership.slug, name: membership.name }));
    },
    async readableIds(user) {
      if (!isActive(user)) return [];
      if (user.isAdmin) return "all";
      const sql =
        user.role === "guest"
          ? `SELECT group_id AS id FROM group_memberships WHERE user_id = :userId`
          : `SELECT id FROM "groups" WHERE visibility = 'open' UNION SELECT group_id AS id FROM group_memberships WHERE user_id = :userId`;
      const rows = await sequelize.query<{ id: number }>(sql, { replacements: { userId: user.id }, type: QueryTypes.SELECT });
      return rows.map((row) => Number(row.id));
    },
    async dashboardIds(user) {
      if (!isActive(user)) return [];
      const memberships = await viewerMemberships(sequelize, user);
      return memberships.filter((membership) => membership.showOnDashboard).map((membership) => membership.groupId);
    },
    async memberIds(container: Container) {
      const memberships = await GroupMembership.findAll({ where: { groupId: container.id }, attributes: ["userId"] });
      return memberships.map((membership) => membership.userId);
    },
    grantedRoles: (container, permissionId) => grantedRoles(container.id, permissionId),
    async grantedRolesIn(ids, permissionIds) {
      const choices = new Map<number, Map<string, string[]>>();
      if (ids.length === 0 || permissionIds.length === 0) return choices;
      const rows = await GroupPermission.findAll({ where: { groupId: { [Op.in]: ids }, permissionId: { [Op.in]: permissionIds } } });
      for (const row of rows) {
        const roles = rolesOfRow(row.roles);
        if (!roles) continue;
        if (!choices.has(row.groupId)) choices.set(row.groupId, new Map());
        choices.get(row.groupId)!.set(row.permissionId, roles);
      }
      return choices;
    },
    async notificationLevels(container, userIds) {
      if (userIds.length === 0) return new Map();
      const memberships = await GroupMembership.findAll({ where: { groupId: container.id, userId: { [Op.in]: userIds } }, attributes: ["userId", "notificationLevel"] });
      return new Map(memberships.map((membership) => [membership.userId, membership.notificationLevel]));
    },
    // Search and autocomplete: open and private groups are listed to every member, secret ones only to theirs.
    search: {
      label: "groups:search.tab",
      table: "groups",
      title: "r.name",
      body: "r.description || ' ' || r.tags",
      listed: "r.visibility <> 'secret'",
      columns: ["name", "description", "tags", "visibility"],
    },
  };
}
