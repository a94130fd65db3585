import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { createGroup } from "./helpers.ts";

// groups.member.joined is announced for every join, also those nobody clicked: default groups and directory mapping.
let app: TestApp;
const joined: { groupId: number; userId: number }[] = [];
test.before(async () => {
  app = await startApp();
  const listener = ({ group, userId }: { group: { id: number }; userId: number }) => void joined.push({ groupId: group.id, userId });
  app.app.registry.hooks.on("core", "groups.member.joined" as never, listener as never);
});
test.after.always(() => app?.close());

test.serial("a new account joining the default groups announces each join", async (t) => {
  const admin = await app.signedIn("admin");
  const welcome = await createGroup(admin.client, { name: "Welcome aboard", visibility: "open" });
  t.is((await admin.client.post(`${welcome.url}/settings`, { name: "Welcome aboard", visibility: "open", isDefault: "1" })).status, 302);
  joined.length = 0;
  const { userId } = await app.createUser({ displayName: "New Starter" });
  const { User } = await import("../../../core/models/user.ts");
  // What registration, invitation and setup announce once an account exists.
  await app.app.registry.hooks.emit("user.created", { user: (await User.findByPk(userId))! });
  const { GroupMembership } = await import("../models/membership.ts");
  t.is(await GroupMembership.count({ where: { groupId: welcome.id, userId } }), 1);
  t.deepEqual(joined, [{ groupId: welcome.id, userId }]);
});

test.serial("a directory mapping's join announces each group joined, once; a second sync announces nothing", async (t) => {
  const owner = await app.signedIn("member");
  const mapped = await createGroup(owner.client, { name: "Directory crew", visibility: "private" });
  const { GroupDirectoryMapping } = await import("../models/directory-mapping.ts");
  const dn = "cn=crew,ou=groups,dc=example,dc=org";
  await GroupDirectoryMapping.create({ groupDn: dn, groupId: mapped.id, role: "member" });
  const { userId } = await app.createUser({ displayName: "Dir Person" });
  const { User } = await import("../../../core/models/user.ts");
  const user = (await User.findByPk(userId))!;
  joined.length = 0;
  await app.app.registry.hooks.emit("ldap.memberships" as never, { user, groupDns: [dn], via: "sync" } as never);
  t.deepEqual(joined, [{ groupId: mapped.id, userId }]);
  await app.app.registry.hooks.emit("ldap.memberships" as never, { user, groupDns: [dn], via: "sync" } as never);
  t.is(joined.length, 1, "already a member: nothing new");
});
