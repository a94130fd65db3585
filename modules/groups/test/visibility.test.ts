import test from "ava";
import { startApp, type TestApp } from "../../../test/helpers/app.ts";
import type { Client } from "../../../test/helpers/client.ts";
import { publish, usernameOf } from "../../../test/helpers/content.ts";
import { addMember, createGroup, type CreatedGroup } from "./helpers.ts";

// Visibility × viewer × page: what each kind of viewer may learn about open, private and secret groups.
type Visibility = "open" | "private" | "secret";
type Viewer = "member" | "outsider" | "guest" | "invitedGuest" | "admin";

let app: TestApp;
const viewers = {} as Record<Viewer, { client: Client; userId: number }>;
const groups = {} as Record<Visibility, CreatedGroup & { postId: number; marker: string; memberName: string }>;

test.before(async () => {
  app = await startApp();
  const owner = await app.signedIn("member", { displayName: "Olga Owner" });
  for (const viewer of ["member", "outsider", "guest", "invitedGuest", "admin"] as Viewer[]) {
    const role = viewer === "admin" ? "admin" : viewer.toLowerCase().includes("guest") ? "guest" : "member";
    const { client, userId } = await app.signedIn(role, { displayName: `Viewer ${viewer}` });
    viewers[viewer] = { client, userId };
  }
  const outsiderName = await usernameOf(viewers.outsider.userId);
  for (const visibility of ["open", "private", "secret"] as Visibility[]) {
    const group = await createGroup(owner.client, { name: `Zeta ${visibility} circle`, visibility, tags: `tag${visibility}` });
    const memberName = `Mona ${visibility} Member`;
    const { userId } = await app.createUser({ displayName: memberName });
    await addMember(group.id, userId);
    await addMember(group.id, viewers.member.userId);
    await addMember(group.id, viewers.invitedGuest.userId);
    const marker = `Marker-${visibility}-text`;
    const postId = await publish(owner.client, { target: `group:${group.id}`, body: `${marker} #topic${visibility} @${outsiderName}` });
    groups[visibility] = { ...group, postId, marker, memberName };
  }
});
test.after.always(() => app?.close());

/** Whether the viewer may read the group's content and members. */
function mayRead(viewer: Viewer, visibility: Visibility) {
  if (viewer === "member" || viewer === "invitedGuest" || viewer === "admin") return true;
  return viewer === "outsider" && visibility === "open";
}

/** Whether the viewer may know the group exists (directory, landing page). */
function mayKnow(viewer: Viewer, visibility: Visibility) {
  return mayRead(viewer, visibility) || (viewer === "outsider" && visibility === "private");
}

const cases = (["member", "outsider", "guest", "invitedGuest", "admin"] as Viewer[]).flatMap((viewer) =>
  (["open", "private", "secret"] as Visibility[]).map((visibility) => ({ viewer, visibility })),
);

for (const { viewer, visibility } of cases) {
  test(`${viewer} × ${visibility}: directory, group page, members, permalink, topic`, async (t) => {
    const { client } = viewers[viewer];
    const group = groups[visibility];
    const readable = mayRead(viewer, visibility);
    const known = mayKnow(viewer, visibility);

    const directory = await client.get(`/groups?q=${encodeURIComponent(`zeta ${visibility}`)}`);
    t.is(directory.status, 200);
    t.is(directory.text.includes(`data-group="${group.slug}"`), known, "directory listing");

    const page = await client.get(group.url);
    t.is(page.status, known ? 200 : 404, "group page");
    t.is(page.text.includes(group.marker), readable, "content on the group page");

    const members = await client.get(`${group.url}/members`);
    t.is(members.status, readable ? 200 : known ? 403 : 404, "members page");
    t.is(members.text.includes(group.memberName), readable, "member names");
    t.is((await client.get(`${group.url}/about`)).status, readable ? 200 : known ? 403 : 404, "about page");

    t.is((await client.get(`/c/${group.postId}`)).status, readable ? 200 : 404, "permalink");
    const topic = await client.get(`/topics/topic${visibility}`);
    t.is(topic.text.includes(group.marker), readable, "topic page");
  });
}

test("the dashboard shows the member's groups only, never an outsider's", async (t) => {
  const member = await viewers.member.client.get("/");
  for (const visibility of ["open", "private", "secret"] as Visibility[]) t.true(member.text.includes(groups[visibility].marker), visibility);
  for (const viewer of ["outsider", "guest"] as Viewer[]) {
    const dashboard = await viewers[viewer].client.get("/");
    for (const visibility of ["open", "private", "secret"] as Visibility[]) t.false(dashboard.text.includes(groups[visibility].marker), `${viewer} ${visibility}`);
  }
});

test("a mention of a non-member in a private or secret group is not recorded; in an open group it is", async (t) => {
  const { Mention } = await import("../../../core/models/mention.ts");
  for (const visibility of ["open", "private", "secret"] as Visibility[]) {
    const recorded = await Mention.count({ where: { contentId: groups[visibility].postId, userId: viewers.outsider.userId } });
    t.is(recorded, visibility === "open" ? 1 : 0, visibility);
  }
  const mentions = await viewers.outsider.client.get("/?filter=mentions");
  t.true(mentions.text.includes(groups.open.marker));
  t.false(mentions.text.includes(groups.private.marker));
  t.false(mentions.text.includes(groups.secret.marker));
});

test("a guest sees only the groups they were invited to, in the directory too", async (t) => {
  const guest = await viewers.guest.client.get("/groups");
  for (const visibility of ["open", "private", "secret"] as Visibility[]) t.false(guest.text.includes(`data-group="${groups[visibility].slug}"`), visibility);
  const invited = await viewers.invitedGuest.client.get("/groups");
  for (const visibility of ["open", "private", "secret"] as Visibility[]) t.true(invited.text.includes(`data-group="${groups[visibility].slug}"`), visibility);
  t.is((await viewers.guest.client.get("/groups/new")).status, 403, "guests do not create groups");
});

test("outsiders cannot post, join closed groups or reach a secret group's forms, and nothing is written", async (t) => {
  const { client, userId } = viewers.outsider;
  const { Content } = await import("../../../core/models/content.ts");
  const { GroupMembership } = await import("../models/membership.ts");
  const { GroupRequest } = await import("../models/request.ts");
  const contentsBefore = await Content.count();
  for (const visibility of ["private", "secret"] as Visibility[]) {
    const group = groups[visibility];
    // A group the writer may not read is refused like one that does not exist (a secret one stays unknown).
    t.is((await client.post("/posts", { target: `group:${group.id}`, body: "sneaking in" })).status, 422, `post ${visibility}`);
    t.is((await client.post(`${group.url}/join`)).status, visibility === "secret" ? 404 : 403, `join ${visibility}`);
  }
  t.is((await client.post(`${groups.secret.url}/request`, { message: "let me in" })).status, 404);
  t.is((await client.get(`${groups.secret.url}/icon`)).status, 404);
  t.is(await Content.count(), contentsBefore, "no post was written");
  const groupIds = [groups.private.id, groups.secret.id];
  t.is(await GroupMembership.count({ where: { userId, groupId: groupIds } }), 0, "no membership was written");
  t.is(await GroupRequest.count({ where: { userId, groupId: groupIds } }), 0, "no join request was written");
});
