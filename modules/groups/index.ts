import { defineModule, type LdapMembershipsPayload } from "../../core/sdk/index.ts";
import { Group } from "./models/group.ts";
import { GroupMembership } from "./models/membership.ts";
import { GroupProposal, GroupRequest } from "./models/request.ts";
import { GroupInvitation } from "./models/invitation.ts";
import { GroupCategory } from "./models/category.ts";
import { GroupImage, GroupPermission, GroupSetting } from "./models/settings.ts";
import { GroupDirectoryMapping } from "./models/directory-mapping.ts";
import { GroupShareNote } from "./models/share-note.ts";
import { applyDirectoryMemberships } from "./commands/directory-memberships.ts";
import { emitJoins } from "./events.ts";
import { directoryMappingRoutes } from "./routes/directory-mappings.ts";
import { invitePermission, postPermission } from "./access.ts";
import { myGroupsPanel } from "./queries/my-groups.ts";
import { groupContainerType } from "./container.ts";
import { shareContentType } from "./share.ts";
import { joinDefaultGroups } from "./commands/membership-writer.ts";
import { claimEmailInvitations } from "./commands/invitation-writer.ts";
import { directoryRoutes } from "./routes/directory.ts";
import { pageRoutes } from "./routes/pages.ts";
import { membershipRoutes } from "./routes/membership.ts";
import { manageRoutes } from "./routes/manage.ts";
import { groupAdminRoutes } from "./routes/group-admin.ts";
import { invitationRoutes } from "./routes/invitations.ts";
import { instanceAdminRoutes } from "./routes/instance-admin.ts";
import { shareRoutes } from "./routes/share.ts";
import { registerNotifications } from "./notifications.ts";
import { registerFirstDay } from "./first-day.ts";
import "./events.ts";

/**
 * Groups: communities, projects, departments and clubs. Registers the "group" container type, so the
 * stream, mentions, topics, attachments and every group-scoped module work inside groups.
 */
export default defineModule({
  id: "groups",
  version: "1.0.0",
  scopes: ["instance"],
  enabledByDefault: true,
  models: [GroupCategory, Group, GroupMembership, GroupRequest, GroupProposal, GroupInvitation, GroupPermission, GroupImage, GroupSetting, GroupDirectoryMapping, GroupShareNote],
  migrations: "migrations",
  // Its pages' styles, appended to the site's stylesheet bundle.
  assets: { stylesheets: ["groups.css"] },
  permissions: [
    { id: postPermission, scope: "group", defaults: ["owner", "admin", "moderator", "member"] },
    { id: invitePermission, scope: "group", defaults: ["owner", "admin"] },
  ],
  register(host) {
    host.containerType(groupContainerType(host.sequelize));
    host.contentType(shareContentType(host));
    // "Share into a group" under every live entry a signed-in reader sees, while the module is on.
    host.entryActions((entry, viewer) => (viewer && entry.content.isLive ? [{ label: "groups:share.action", href: `/groups/share/${entry.content.id}` }] : []));
    for (const router of [
      directoryRoutes(host),
      invitationRoutes(host),
      directoryMappingRoutes(host),
      shareRoutes(host),
      instanceAdminRoutes(host),
      pageRoutes(host),
      membershipRoutes(host),
      manageRoutes(host),
      groupAdminRoutes(host),
    ]) {
      host.routes(router);
    }
    registerNotifications(host);
    registerFirstDay(host);
    host.menu("main", { label: "groups:menu", href: "/groups", order: 30, icon: "groups" });
    host.filter("dashboard.panels", async (panels, { user }) => {
      const panel = user ? await myGroupsPanel(host.sequelize, user) : null;
      return panel ? [...panels, panel] : panels;
    });
    host.on("user.created", async ({ user }) => {
      await emitJoins(host, user.id, await joinDefaultGroups(user));
      await claimEmailInvitations(user);
    });
    // Directory group mapping: at every directory login and for every active account at each sync.
    host.on("ldap.memberships", async ({ user, groupDns }: LdapMembershipsPayload) => {
      await emitJoins(host, user.id, (await applyDirectoryMemberships(user, groupDns)).joinedGroupIds);
    });
  },
});
