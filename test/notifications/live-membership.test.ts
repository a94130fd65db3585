import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import { addMember, createGroup } from "../../modules/groups/test/helpers.ts";
import { openEvents, pause } from "./helpers.ts";

// A dashboard's live "new posts" count follows the reader's memberships while the page stays open.
let app: TestApp;
test.before(async () => {
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
});
test.after.always(() => app?.close());

const membershipCount = async (groupId: number, userId: number) => {
  const { GroupMembership } = await import("../../modules/groups/models/membership.ts");
  return GroupMembership.count({ where: { groupId, userId } });
};

test.serial("a member removed from a secret group while their dashboard is open hears nothing more of its posts", async (t) => {
  const owner = await app.signedIn("member");
  const member = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Live vault", visibility: "secret" });
  await addMember(group.id, member.userId);
  const dashboard = await openEvents(member.client, "/live/events?stream=dashboard");
  try {
    await dashboard.waitFor("unread");
    await publish(owner.client, { target: `group:${group.id}`, body: "Vault news one" });
    t.deepEqual(await dashboard.waitFor("posts"), { count: 1, text: "1 new post: show it" }, "while a member, the post is counted");

    t.is((await owner.client.post(`${group.url}/members/${member.userId}/remove`)).status, 302);
    t.is(await membershipCount(group.id, member.userId), 0, "removed");
    await publish(owner.client, { target: `group:${group.id}`, body: "Vault news two" });
    await publish(owner.client, { target: `group:${group.id}`, body: "Vault news three" });
    await pause(400);
    t.deepEqual(dashboard.events.filter((e) => e.event === "posts").map((e) => e.data.count), [1], "no count after the removal");

    // The same connection still counts what the reader may read.
    await publish(owner.client, { target: "company:0", body: "Company news" });
    t.deepEqual(await dashboard.waitFor("posts", (data) => data.count === 2), { count: 2, text: "2 new posts: show them" });
  } finally {
    dashboard.close();
  }
});

test.serial("a member who leaves a group stops hearing of its posts on the dashboard they had open; the other groups still count", async (t) => {
  const owner = await app.signedIn("member");
  const member = await app.signedIn("member");
  const secret = await createGroup(owner.client, { name: "Leaving lounge", visibility: "secret" });
  const kept = await createGroup(owner.client, { name: "Staying hall", visibility: "open" });
  await addMember(secret.id, member.userId);
  await addMember(kept.id, member.userId);
  const dashboard = await openEvents(member.client, "/live/events?stream=dashboard");
  try {
    await dashboard.waitFor("unread");
    t.is((await member.client.post(`${secret.url}/leave`)).status, 302);
    t.is(await membershipCount(secret.id, member.userId), 0, "left");
    await publish(owner.client, { target: `group:${secret.id}`, body: "After you left" });
    await pause(400);
    t.false(dashboard.events.some((e) => e.event === "posts"), "nothing counted after leaving");

    await publish(owner.client, { target: `group:${kept.id}`, body: "Still here" });
    t.deepEqual(await dashboard.waitFor("posts"), { count: 1, text: "1 new post: show it" }, "a group they are still in is counted");
  } finally {
    dashboard.close();
  }
});
