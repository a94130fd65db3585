import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import { addMember, createGroup } from "../../modules/groups/test/helpers.ts";

// A profile shows the person's activity that the viewer may read, wherever it was posted.
let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

test.serial("a profile lists the person's posts in the company stream and in groups, secret ones to members only", async (t) => {
  const person = await app.signedIn("member");
  const colleague = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  const username = await usernameOf(person.userId);
  const open = await createGroup(person.client, { name: "Open atelier", visibility: "open" });
  const secret = await createGroup(person.client, { name: "Secret studio", visibility: "secret" });
  await addMember(secret.id, colleague.userId);
  const companyPost = await publish(person.client, { target: "company:0", body: "Company-wide hello from the profile owner" });
  const openPost = await publish(person.client, { target: `group:${open.id}`, body: "Open atelier sketches" });
  const secretPost = await publish(person.client, { target: `group:${secret.id}`, body: "Secret studio prototype" });
  // An instance admin may write on someone's profile: it stays there.
  const onProfile = await publish(admin.client, { target: `user:${person.userId}`, body: "Congratulations on the launch" });
  const elsewhere = await publish(colleague.client, { target: "company:0", body: "Someone else's company post" });

  const asOutsider = await outsider.client.get(`/u/${username}`);
  t.is(asOutsider.status, 200);
  for (const id of [companyPost, openPost, onProfile]) t.true(asOutsider.text.includes(`href="/c/${id}"`), `content ${id} shows to an outsider`);
  t.false(asOutsider.text.includes("Secret studio"), "a secret group's post and name stay hidden from a non-member");
  t.false(asOutsider.text.includes(`/c/${secretPost}`));
  t.false(asOutsider.text.includes(`/c/${elsewhere}`), "another person's posts elsewhere are not theirs");
  t.false(asOutsider.text.includes("has not posted anything here yet"));
  t.true(asOutsider.text.includes(`href="${open.url}"`), "a group post says where it was posted");

  const asMember = await colleague.client.get(`/u/${username}`);
  t.true(asMember.text.includes("Secret studio prototype"), "a member of the secret group sees it there");
  t.true(asMember.text.includes("Company-wide hello") && asMember.text.includes("Open atelier sketches"));
  const order = [secretPost, openPost, companyPost].map((id) => asMember.text.indexOf(`href="/c/${id}"`));
  t.true(order.every((index) => index > 0) && order[0] < order[1] && order[1] < order[2], "newest first");

  const asSelf = await person.client.get(`/u/${username}`);
  t.true(asSelf.text.includes("Secret studio prototype"), "the person sees their own");

  // Removed from the group: its posts leave the profile for them too.
  const { GroupMembership } = await import("../../modules/groups/models/membership.ts");
  await GroupMembership.destroy({ where: { groupId: secret.id, userId: colleague.userId } });
  t.false((await colleague.client.get(`/u/${username}`)).text.includes("Secret studio prototype"));
});

test.serial("a profile's stream pages by keyset across containers, and skips what the viewer cannot read", async (t) => {
  const person = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const username = await usernameOf(person.userId);
  const secret = await createGroup(person.client, { name: "Paging vault", visibility: "secret" });
  const shown: number[] = [];
  for (let index = 0; index < 25; index += 1) {
    shown.push(await publish(person.client, { target: index % 2 ? "company:0" : `user:${person.userId}`, body: `Paged item ${index}` }));
    await publish(person.client, { target: `group:${secret.id}`, body: `Vault item ${index}` });
  }
  const first = await reader.client.get(`/u/${username}`);
  const next = /href="(\/u\/[^"?]+\?before=[^"]+)"/.exec(first.text)?.[1];
  t.truthy(next, "a link to older entries");
  const second = await reader.client.get(next!.replaceAll("&amp;", "&"));
  t.is(second.status, 200);
  const ids = (text: string) => [...text.matchAll(/<article class="entry card[^"]*" id="content-(\d+)"/g)].map((match) => Number(match[1]));
  const seen = [...ids(first.text), ...ids(second.text)];
  t.is(ids(first.text).length, 20, "a full first page");
  t.deepEqual([...seen].sort((a, b) => a - b), shown, "every readable item once, nothing else");
  t.false(first.text.includes("Vault item") || second.text.includes("Vault item"));
  t.is((await reader.client.get(`/u/${username}?before=nonsense`)).status, 400);
});
