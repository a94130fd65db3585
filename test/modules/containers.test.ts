import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { ModuleError } from "../../core/modules/registry.ts";
import { containerOf, roomOf } from "../fixtures/modules/fixture-rooms/rooms.ts";

// A module switched on per container: fixture-room-tasks inside the fixture-room container type of fixture-rooms.
let app: TestApp;
let admin: Client;
let member: Client;
let memberId: number;

test.before(async () => {
  app = await startApp();
  admin = (await app.signedIn("admin")).client;
  ({ client: member, userId: memberId } = await app.signedIn("member"));
});
test.after.always(() => app?.close());

const alpha = containerOf(roomOf("alpha")!);
const beta = containerOf(roomOf("beta")!);
const tasksPath = (slug: string) => `/fixture-rooms/${slug}/fixture-room-tasks`;
const menuIn = async (container: typeof alpha) =>
  (await app.app.registry.menu("group", { user: null, container }, async () => true)).map((entry) => entry.href);

test.serial("a module claiming a container type that another module owns fails and takes nothing over", async (t) => {
  const clash = app.app.registry.list().find((module) => module.id === "fixture-rooms-clash");
  t.regex(clash?.error ?? "", /container type "fixture-room" is already registered by module "fixture-rooms"/);
  t.is(app.app.registry.containerTypes.get("fixture-room")?.routePrefix, "/fixture-rooms");
});

test.serial("container routes answer only in containers where the module is on", async (t) => {
  t.is((await member.get(tasksPath("alpha"))).status, 404, "module off for the instance");
  await t.throwsAsync(app.app.registry.setContainerState("fixture-room-tasks", alpha, "enabled"), { instanceOf: ModuleError });

  t.is((await admin.post("/admin/modules/fixture-rooms/enable", { state: "enabled" })).status, 302);
  const page = await admin.get("/admin/modules");
  t.regex(page.text, /action="\/admin\/modules\/fixture-room-tasks\/enable"[^]*?value="forced"/, "a container-scoped module can be forced");
  t.is((await admin.post("/admin/modules/fixture-room-tasks/enable", { state: "enabled" })).status, 302);
  t.is((await member.get(tasksPath("alpha"))).status, 404, "on for the instance, but no room chose it yet");
  t.false(await app.app.registry.isEnabledIn("fixture-room-tasks", alpha));

  await app.app.registry.setContainerState("fixture-room-tasks", alpha, "enabled");
  t.true(await app.app.registry.isEnabledIn("fixture-room-tasks", alpha));
  const tasks = await member.get(tasksPath("alpha"));
  t.is(tasks.status, 200);
  t.is(tasks.text, "tasks of Alpha: ");
  t.is((await member.get(tasksPath("beta"))).status, 404);
  t.is((await member.get(tasksPath("nowhere"))).status, 404);
  t.deepEqual(await menuIn(alpha), [tasksPath("alpha")]);
  t.deepEqual(await menuIn(beta), []);
});

test.serial("a container the user may not read hides the module's pages", async (t) => {
  const secret = roomOf("secret")!;
  await app.app.registry.setContainerState("fixture-room-tasks", containerOf(secret), "enabled");
  t.is((await member.get(tasksPath("secret"))).status, 404);
  secret.members.set(memberId, "member");
  t.is((await member.get(tasksPath("secret"))).status, 200);
});

test.serial("switching it off in one container runs that container's clean-up only", async (t) => {
  t.is((await member.post(tasksPath("alpha"), { title: "water the plants" })).status, 302);
  t.is((await member.post(tasksPath("secret"), { title: "keep it quiet" })).status, 302);
  t.is((await member.get(tasksPath("alpha"))).text, "tasks of Alpha: water the plants");

  await app.app.registry.setContainerState("fixture-room-tasks", alpha, "disabled");
  t.is((await member.get(tasksPath("alpha"))).status, 404);
  t.is((await member.get(tasksPath("secret"))).text, "tasks of Secret: keep it quiet");
  await app.app.registry.setContainerState("fixture-room-tasks", alpha, "enabled");
  t.is((await member.get(tasksPath("alpha"))).text, "tasks of Alpha: ", "alpha's tasks were cleaned up");
});

test.serial("forced on, it answers in every container; switched off, in none", async (t) => {
  t.is((await admin.post("/admin/modules/fixture-room-tasks/enable", { state: "forced" })).status, 302);
  t.is((await member.get(tasksPath("beta"))).status, 200);
  t.deepEqual(await menuIn(beta), [tasksPath("beta")]);

  t.is((await admin.post("/admin/modules/fixture-rooms/disable")).status, 409, "room tasks still need rooms");
  t.is((await admin.post("/admin/modules/fixture-room-tasks/disable")).status, 302);
  for (const slug of ["alpha", "beta", "secret"]) t.is((await member.get(tasksPath(slug))).status, 404);
  t.deepEqual(await menuIn(alpha), []);
  await t.throwsAsync(app.app.registry.setContainerState("fixture-notes", alpha, "enabled"), { instanceOf: ModuleError });
});
