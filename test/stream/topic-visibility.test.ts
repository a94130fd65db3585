import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import { createGroup } from "../../modules/groups/test/helpers.ts";

// A #topic used only where the reader cannot read must look exactly like a topic nobody ever used.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const models = async () => ({ ...(await import("../../core/models/topic.ts")) });

test.serial("a topic used only inside a secret group answers an outsider as an unused topic does: 404, no follow", async (t) => {
  const { Topic, TopicFollow } = await models();
  const owner = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Hidden hangar", visibility: "secret" });
  await publish(owner.client, { target: `group:${group.id}`, body: "Prototype wing tests #hangarwing" });
  t.truthy(await Topic.findOne({ where: { name: "hangarwing" } }), "the topic exists");

  const member = await owner.client.get("/topics/hangarwing");
  t.is(member.status, 200);
  t.true(member.text.includes("Prototype wing tests"), "the group's members see it");

  const hidden = await outsider.client.get("/topics/hangarwing");
  const unused = await outsider.client.get("/topics/neverusedanywhere");
  t.is(hidden.status, 404);
  t.is(unused.status, 404);
  const body = (text: string, name: string) => text.replaceAll(name, "NAME").replace(/name="_csrf" value="[^"]*"/g, "").replace(/content="[^"]*" name="csrf-token"|name="csrf-token" content="[^"]*"/g, "").replace(/Reference: [0-9a-f-]+/, "");
  t.is(body(hidden.text, "hangarwing"), body(unused.text, "neverusedanywhere"), "the same page");
  t.is((await outsider.client.get("/topics/hangarwing?partial=1")).status, 404, "the partial too");

  for (const action of ["follow", "unfollow"]) {
    t.is((await outsider.client.post(`/topics/hangarwing/${action}`)).status, 404, action);
    t.is((await outsider.client.post(`/topics/neverusedanywhere/${action}`)).status, 404, `${action} an unused topic`);
  }
  t.is(await TopicFollow.count({ where: { userId: outsider.userId } }), 0, "no follow written");
});

test.serial("once the topic is used where the reader reads, the page opens; a reader who lost access may still unfollow", async (t) => {
  const { Topic, TopicFollow } = await models();
  const owner = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Closed cockpit", visibility: "secret" });
  await publish(owner.client, { target: `group:${group.id}`, body: "Cockpit layout #cockpitwork" });
  t.is((await reader.client.get("/topics/cockpitwork")).status, 404);

  const companyPost = await publish(owner.client, { target: "company:0", body: "Open notes #cockpitwork" });
  const page = await reader.client.get("/topics/cockpitwork");
  t.is(page.status, 200);
  t.true(page.text.includes("Open notes"));
  t.false(page.text.includes("Cockpit layout"), "the secret post stays out");
  t.is((await reader.client.post("/topics/cockpitwork/follow")).status, 302);
  const topic = (await Topic.findOne({ where: { name: "cockpitwork" } }))!;
  t.is(await TopicFollow.count({ where: { userId: reader.userId, topicId: topic.id } }), 1);

  // The only readable post goes: the topic is unknown to the reader again, but their own follow can be undone.
  t.is((await owner.client.post(`/c/${companyPost}/delete`)).status, 302);
  t.is((await reader.client.get("/topics/cockpitwork")).status, 404);
  const unfollowed = await reader.client.post("/topics/cockpitwork/unfollow");
  t.is(unfollowed.status, 302);
  t.is(unfollowed.location, "/topics");
  t.is(await TopicFollow.count({ where: { userId: reader.userId, topicId: topic.id } }), 0);
});

test.serial("the dashboard's topic filter says the same of a topic used only where the reader cannot read as of an unused one", async (t) => {
  const owner = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Sealed lab", visibility: "secret" });
  await publish(owner.client, { target: `group:${group.id}`, body: "Reactor notes #sealedlab" });
  const unknown = "No content carries this topic yet";
  const hidden = await outsider.client.get("/?topic=sealedlab");
  const unused = await outsider.client.get("/?topic=neverusedtopic");
  t.is(hidden.status, 200);
  t.true(unused.text.includes(unknown), "an unused topic is unknown");
  t.true(hidden.text.includes(unknown), "a topic used only in a secret group is unknown too");
  t.false(hidden.text.includes("Reactor notes"));
  const member = await owner.client.get("/?topic=sealedlab");
  t.true(member.text.includes("Reactor notes"), "members see it");
  t.false(member.text.includes(unknown));
});
