import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish } from "../helpers/content.ts";
import { policyFor } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test.serial("a member cannot pin company content; an admin pins and unpins it, audited", async (t) => {
  const { Content } = await import("../../core/models/content.ts");
  const { AuditEntry } = await import("../../core/models/audit-entry.ts");
  const author = await app.signedIn("member");
  const admin = await app.signedIn("admin");
  const id = await publish(author.client, { target: "company:0", body: "Pin me please" });

  t.false((await author.client.get(`/c/${id}`)).text.includes(`action="/c/${id}/pin"`), "no pin button for a member");
  t.is((await author.client.post(`/c/${id}/pin`)).status, 403);
  t.is((await Content.findByPk(id))!.pinnedAt, null);

  t.true((await admin.client.get(`/c/${id}`)).text.includes(`action="/c/${id}/pin"`));
  const pinned = await admin.client.post(`/c/${id}/pin`, { returnTo: "/" });
  t.is(pinned.status, 302);
  t.is(pinned.location, "/");
  t.truthy((await Content.findByPk(id))!.pinnedAt);
  t.regex((await author.client.get(`/c/${id}`)).text, /Pinned/);
  t.is(await AuditEntry.count({ where: { action: "content.pinned", subjectId: String(id) } }), 1);

  t.is((await author.client.post(`/c/${id}/unpin`)).status, 403);
  t.is((await admin.client.post(`/c/${id}/unpin`)).status, 302);
  t.is((await Content.findByPk(id))!.pinnedAt, null);
  t.is(await AuditEntry.count({ where: { action: "content.unpinned", subjectId: String(id) } }), 1);
  t.is((await admin.client.post("/c/999999/pin")).status, 404);
});

test.serial("container managers pin in their container; pinnedIn lists the 5 newest pins the viewer may read", async (t) => {
  const { rooms } = await import("../fixtures/modules/fixture-rooms/rooms.ts");
  const { pinnedIn } = await import("../../core/content/announcements/pinned.ts");
  await app.app.registry.enable("fixture-rooms");
  const owner = await app.signedIn("member");
  const member = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const alpha = rooms.find((room) => room.slug === "alpha")!;
  const secret = rooms.find((room) => room.slug === "secret")!;
  for (const room of [alpha, secret]) {
    room.members.set(owner.userId, "owner");
    room.members.set(member.userId, "member");
  }

  const ids: number[] = [];
  for (let index = 0; index < 7; index += 1) ids.push(await publish(member.client, { target: `fixture-room:${alpha.id}`, body: `Room post ${index}` }));
  t.is((await member.client.post(`/c/${ids[0]}/pin`)).status, 403, "a plain room member is no manager");
  // Pin out of id order, so "newest pin first" is not "newest post first".
  const pinOrder = [ids[4], ids[0], ids[6], ids[2], ids[1], ids[5]];
  for (const id of pinOrder) {
    t.is((await owner.client.post(`/c/${id}/pin`)).status, 302);
    await pause(5);
  }
  const shown = await pinnedIn(`fixture-room:${alpha.id}`, await policyFor(app, outsider.userId));
  t.deepEqual(
    shown.map((content) => content.id),
    pinOrder.slice(1).reverse(),
  );

  // A deleted pinned content leaves the list; a deleted content cannot be pinned.
  t.is((await member.client.post(`/c/${ids[5]}/delete`)).status, 302);
  const afterDelete = await pinnedIn(`fixture-room:${alpha.id}`, await policyFor(app, owner.userId));
  t.false(afterDelete.some((content) => content.id === ids[5]));
  t.is((await owner.client.post(`/c/${ids[5]}/pin`)).status, 409);

  const secretId = await publish(member.client, { target: `fixture-room:${secret.id}`, body: "Secret pinned plan" });
  t.is((await outsider.client.post(`/c/${secretId}/pin`)).status, 404);
  t.is((await owner.client.post(`/c/${secretId}/pin`)).status, 302);
  t.deepEqual(await pinnedIn(`fixture-room:${secret.id}`, await policyFor(app, outsider.userId)), []);
  t.deepEqual(
    (await pinnedIn(`fixture-room:${secret.id}`, await policyFor(app, member.userId))).map((content) => content.id),
    [secretId],
  );
});
