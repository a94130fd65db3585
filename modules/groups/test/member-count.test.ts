import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { usernameOf } from "../../../test/helpers/content.ts";
import { addMember, createGroup } from "./helpers.ts";

// groups.member_count stays equal to COUNT(*) of its memberships through every kind of change.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const models = async () => ({
  ...(await import("../models/group.ts")),
  ...(await import("../models/membership.ts")),
  ...(await import("../models/request.ts")),
  ...(await import("../models/directory-mapping.ts")),
  ...(await import("../commands/directory-memberships.ts")),
  ...(await import("../../../core/models/user.ts")),
});

/** [stored count, real count] of every group. */
async function drift(): Promise<{ slug: string; stored: number; real: number }[]> {
  const { QueryTypes } = await import("sequelize");
  const rows = await app.app.sequelize.query<{ slug: string; stored: number; real: number }>(
    "SELECT g.slug, g.member_count AS stored, (SELECT COUNT(*) FROM group_memberships m WHERE m.group_id = g.id) AS real FROM groups g ORDER BY g.id",
    { type: QueryTypes.SELECT },
  );
  return rows.map((row) => ({ slug: row.slug, stored: Number(row.stored), real: Number(row.real) })).filter((row) => row.stored !== row.real);
}

test.serial("every membership change keeps the count exact", async (t) => {
  const { Group, GroupRequest, GroupDirectoryMapping, applyDirectoryMemberships, User } = await models();
  const owner = await app.signedIn("member");
  const people = [];
  for (let index = 0; index < 8; index += 1) people.push(await app.signedIn("member"));
  const open = await createGroup(owner.client, { name: "Count open", visibility: "open" });
  const closed = await createGroup(owner.client, { name: "Count private", visibility: "private" });
  const mapped = await createGroup(owner.client, { name: "Count mapped", visibility: "open" });
  const count = async (id: number) => (await Group.findByPk(id))!.memberCount;
  t.is(await count(open.id), 1, "the creator is the first member");

  // Join, join twice, leave, leave twice.
  for (const person of people) t.is((await person.client.post(`${open.url}/join`)).status, 302);
  t.is((await people[0].client.post(`${open.url}/join`)).status, 403, "joining again is refused and changes nothing");
  t.is((await people[0].client.post(`${open.url}/leave`)).status, 302);
  t.is((await people[0].client.post(`${open.url}/leave`)).status, 409, "not a member any more");
  t.is(await count(open.id), 8);

  // Removal by the owner, and a refused one (the last owner).
  t.is((await owner.client.post(`${open.url}/members/${people[1].userId}/remove`)).status, 302);
  t.is((await owner.client.post(`${open.url}/leave`)).status, 409, "the last owner stays");

  // Requests approved and declined; invitations accepted, declined, and by link.
  for (const person of people.slice(0, 3)) await person.client.post(`${closed.url}/request`);
  const requests = await GroupRequest.findAll({ where: { groupId: closed.id }, order: [["id", "ASC"]] });
  t.is((await owner.client.post(`${closed.url}/requests/${requests[0].id}/approve`)).status, 302);
  t.is((await owner.client.post(`${closed.url}/requests/${requests[1].id}/approve`)).status, 302);
  t.is((await owner.client.post(`${closed.url}/requests/${requests[2].id}/decline`)).status, 302);
  await owner.client.post(`${closed.url}/invitations`, { people: `${await usernameOf(people[3].userId)} ${await usernameOf(people[4].userId)}` });
  t.is((await people[3].client.post(`${closed.url}/invitation/accept`)).status, 302);
  t.is((await people[4].client.post(`${closed.url}/invitation/decline`)).status, 302);
  await owner.client.post(`${closed.url}/invitations`, { people: "count-link@example.org" });
  const link = /\/groups\/invitations\/([A-Za-z0-9_-]{43})/.exec((await owner.client.get(`${closed.url}/members`)).text)![1];
  t.is((await people[5].client.post(`/groups/invitations/${link}`)).status, 302);
  t.is(await count(closed.id), 5);

  // Directory sync: added, run again, removed.
  await GroupDirectoryMapping.create({ groupDn: "cn=counters,ou=groups,dc=example,dc=org", groupId: mapped.id, role: "member" });
  const dns = ["cn=counters,ou=groups,dc=example,dc=org"];
  const users = await Promise.all(people.map(async (person) => (await User.findByPk(person.userId))!));
  for (const user of users.slice(0, 5)) await applyDirectoryMemberships(user, dns);
  for (const user of users.slice(0, 2)) await applyDirectoryMemberships(user, []);
  t.is(await count(mapped.id), 4);

  // Deleting accounts: their memberships go by cascade, in every group at once.
  await addMember(mapped.id, people[6].userId);
  await User.destroy({ where: { id: [people[6].userId, people[7].userId] } });
  t.is(await count(open.id), 5);

  // Deleting a group takes its memberships with it and leaves the others right.
  const doomed = await createGroup(owner.client, { name: "Count doomed", visibility: "open" });
  await people[2].client.post(`${doomed.url}/join`);
  t.is((await owner.client.post(`${doomed.url}/delete`, { confirm: doomed.slug })).status, 302);
  t.is(await Group.count({ where: { id: doomed.id } }), 0);

  t.deepEqual(await drift(), [], "member_count = COUNT(*) in every group");
});
