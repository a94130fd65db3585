import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import { statementsFor } from "../../../test/helpers/queries.ts";
import { User } from "../../../core/sdk/index.ts";
import { Group } from "../models/group.ts";
import { GroupMembership } from "../models/membership.ts";
import { viewerMemberships } from "../queries/viewer-memberships.ts";
import { publish } from "../../../test/helpers/content.ts";
import { addMember, createGroup } from "./helpers.ts";

// The dashboard reads the reader's memberships once (streams, roles on entries, "Your groups"); a write
// to memberships or groups made while a User object is in use is seen by its next read.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

test.serial("the dashboard reads the reader's memberships in one query, and shows their groups and roles", async (t) => {
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const club = await createGroup(owner.client, { name: "Memo club", visibility: "private" });
  const crew = await createGroup(owner.client, { name: "Memo crew", visibility: "open" });
  await addMember(club.id, reader.userId, "admin");
  await addMember(crew.id, reader.userId);
  const inClub = await publish(owner.client, { target: `group:${club.id}`, body: "Inside the memo club" });
  const inCrew = await publish(owner.client, { target: `group:${crew.id}`, body: "Inside the memo crew" });

  const statements = await statementsFor(app, reader.client, "/");
  t.is(statements.filter((sql) => /FROM [`"]?group_memberships/.test(sql) && !/UNION/.test(sql)).length, 1, statements.join("\n"));
  const page = (await reader.client.get("/")).text;
  t.true(page.includes("Memo club") && page.includes("Memo crew"));
  t.true(page.includes("Inside the memo club"), "the private group's post is on the member's dashboard");
  // Roles come from the same read: the club's admin may pin and hide there, a plain member of the crew may not.
  t.true(page.includes(`/c/${inClub}/pin`) && page.includes(`/c/${inClub}/hide`));
  t.true(page.includes("Inside the memo crew"));
  t.false(page.includes(`/c/${inCrew}/pin`) || page.includes(`/c/${inCrew}/hide`));
});

test.serial("a write to memberships or groups is seen by the next read through the same User object", async (t) => {
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Cache check", visibility: "open" });
  const user = (await User.findByPk(reader.userId))!;
  const sequelize = app.app.sequelize;

  t.deepEqual(await viewerMemberships(sequelize, user), []);
  await addMember(group.id, reader.userId, "moderator");
  t.deepEqual((await viewerMemberships(sequelize, user)).map((m) => [m.groupId, m.role, m.name]), [[group.id, "moderator", "Cache check"]]);

  await GroupMembership.update({ role: "admin", showOnDashboard: false }, { where: { groupId: group.id, userId: reader.userId } });
  t.deepEqual((await viewerMemberships(sequelize, user)).map((m) => [m.role, m.showOnDashboard]), [["admin", false]]);

  await sequelize.transaction(async (transaction) => {
    await Group.update({ name: "Cache check renamed" }, { where: { id: group.id }, transaction });
  });
  t.is((await viewerMemberships(sequelize, user))[0].name, "Cache check renamed");

  await GroupMembership.destroy({ where: { groupId: group.id, userId: reader.userId } });
  t.deepEqual(await viewerMemberships(sequelize, user), []);
});

test.serial("a member's group page does not look for invitations or join requests; an outsider's does", async (t) => {
  const owner = await app.signedIn("member");
  const member = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Quiet circle", visibility: "private" });
  await addMember(group.id, member.userId);
  const outsiderLookups = /FROM [`"]?group_(invitations|requests)/;

  const memberPage = await statementsFor(app, member.client, group.url);
  t.deepEqual(memberPage.filter((sql) => outsiderLookups.test(sql)), []);
  t.regex((await member.client.get(group.url)).text, /action="[^"]*\/leave"/);

  t.is((await outsider.client.post(`${group.url}/request`)).status, 302);
  t.is((await statementsFor(app, outsider.client, group.url)).filter((sql) => outsiderLookups.test(sql)).length, 2);
  t.regex((await outsider.client.get(group.url)).text, /action="[^"]*\/request\/withdraw"/, "the outsider may withdraw the pending request");
});
