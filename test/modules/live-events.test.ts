import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { addMember, createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";
import { openEvents, pause, waitUntil } from "../notifications/helpers.ts";

// A module's live events (host.live.publish) reach the open pages watching the container, and only readers.
let app: TestApp;
let vault: CreatedGroup;
let hall: CreatedGroup;
let owner: Awaited<ReturnType<TestApp["signedIn"]>>;

test.before(async () => {
  app = await startApp();
  const admin = (await app.signedIn("admin")).client;
  for (const id of ["groups", "fixture-live"]) {
    if ((await admin.post(`/admin/modules/${id}/enable`, { state: "enabled" })).status !== 302) throw new Error(`could not enable ${id}`);
  }
  owner = await app.signedIn("member", { displayName: "Lina Live" });
  vault = await createGroup(owner.client, { name: "Live vault", visibility: "secret" });
  hall = await createGroup(owner.client, { name: "Live hall", visibility: "open" });
  for (const group of [vault, hall]) await app.app.registry.setContainerState("fixture-live", { type: "group", id: group.id, slug: group.slug, name: "" }, "enabled");
});
test.after.always(() => app?.close());

interface ModuleEvent {
  module: string;
  name: string;
  container: string;
  data: { text: string };
}
const moduleEvents = (stream: Awaited<ReturnType<typeof openEvents>>) => stream.events.filter((event) => event.event === "module").map((event) => event.data as unknown as ModuleEvent);

test.serial("a page watching a group hears its module's events; an outsider asking to watch a secret group hears nothing", async (t) => {
  const member = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  await addMember(vault.id, member.userId);
  const watching = await openEvents(member.client, `/live/events?watch=group:${vault.id}`);
  const spying = await openEvents(outsider.client, `/live/events?watch=group:${vault.id},group:${hall.id}`);
  const notWatching = await openEvents(member.client, "/live/events");
  try {
    await Promise.all([watching.waitFor("unread"), spying.waitFor("unread"), notWatching.waitFor("unread")]);
    t.is((await owner.client.post(`${vault.url}/fixture-live/ping`, { text: "vault news" })).status, 202);
    t.deepEqual(await watching.waitFor("module"), { module: "fixture-live", name: "ping", container: `group:${vault.id}`, data: { text: "vault news" } });
    // The outsider's page watches the open group too: that one it hears.
    t.is((await owner.client.post(`${hall.url}/fixture-live/ping`, { text: "hall news" })).status, 202);
    t.deepEqual((await spying.waitFor("module")).data, { text: "hall news" });
    await pause(300);
    t.deepEqual(moduleEvents(spying).map((event) => event.data.text), ["hall news"], "nothing of the secret group");
    t.deepEqual(moduleEvents(notWatching), [], "a page that watches nothing hears no module event");
  } finally {
    watching.close();
    spying.close();
    notWatching.close();
  }
});

test.serial("a member removed while their page is open hears nothing more; bad watch values are ignored", async (t) => {
  const member = await app.signedIn("member");
  await addMember(vault.id, member.userId);
  const watching = await openEvents(member.client, `/live/events?watch=group:${vault.id},nonsense,group:abc,${"x".repeat(300)}`);
  try {
    await watching.waitFor("unread");
    await owner.client.post(`${vault.url}/fixture-live/ping`, { text: "before" });
    await watching.waitFor("module");
    t.is((await owner.client.post(`${vault.url}/members/${member.userId}/remove`)).status, 302);
    await owner.client.post(`${vault.url}/fixture-live/ping`, { text: "after" });
    await pause(400);
    t.deepEqual(moduleEvents(watching).map((event) => event.data.text), ["before"]);
  } finally {
    watching.close();
  }
});

test.serial("an event name a module may not use is refused", async (t) => {
  const { moduleLive } = await import("../../core/live/module-channel.ts");
  await t.throwsAsync(moduleLive("fixture-live").publish({ type: "group", id: vault.id }, "Bad Name!", {}), { message: /lowercase/ });
});

test.serial("a stream a module serves its own audience (host.live.serve) carries only that module's events for its containers, while allowed", async (t) => {
  const { LiveHub } = await import("../../core/live/hub.ts");
  const { memoryBus } = await import("../../core/live/bus.ts");
  const { default: pino } = await import("pino");
  const hub = new LiveHub(memoryBus(), pino({ level: "silent" }), { unreadCount: async () => 0, subscriptionsVersions: async () => new Map() });
  let allowed = true;
  let asked = 0;
  const onClose: (() => void)[] = [];
  const stream = hub.openAudience(
    { moduleId: "fixture-live", watched: ["company:0"], allowed: async () => (asked++, allowed), recheckMs: 1000, isServerListening: () => true },
    (close) => onClose.push(close),
  );
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
  try {
    await hub.publish({ kind: "module", moduleId: "fixture-live", name: "ping", streamKey: "company:0", data: { text: "for the screen" } });
    await hub.publish({ kind: "module", moduleId: "fixture-live", name: "ping", streamKey: `group:${vault.id}`, data: { text: "a group's" } });
    await hub.publish({ kind: "module", moduleId: "other-module", name: "ping", streamKey: "company:0", data: { text: "another module's" } });
    await pause(100);
    t.true(text.includes('"data":{"text":"for the screen"}'));
    t.false(text.includes("a group's"), "a container it does not watch");
    t.false(text.includes("another module's"), "another module's event");
    t.is(asked, 1, "asked before the event it carried");
    t.is(hub.size, 1);
    // Asked again when the module says so (host.live.recheckAudiences), in every process: here, still allowed.
    await hub.publish({ kind: "audiences", moduleId: "fixture-live" });
    t.is(asked, 2);
    t.false(stream.writableEnded);
    // Asked again every recheckMs even without events: a refusal ends the stream.
    allowed = false;
    await waitUntil(() => stream.writableEnded, "the audience's stream to end", 4000);
    t.is(hub.size, 0);
  } finally {
    for (const close of onClose) close();
    await hub.close();
  }
});
