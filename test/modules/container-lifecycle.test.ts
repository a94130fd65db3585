import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { addMember, createGroup, type CreatedGroup } from "../../modules/groups/test/helpers.ts";
import type { Client } from "../helpers/client.ts";
import type { ActionHooks, Container } from "../../core/modules/types.ts";

// Removing and archiving a container is core's job (host.containers), and every module hears of it through
// its hook: deleting a group removes fixture-votes' polls and votes there (onContainerRemoved), archiving
// freezes them (onContainerArchived), with the right container each time and nothing elsewhere touched.
let app: TestApp;
const heard: { name: string; container: Container; isArchived?: boolean }[] = [];
test.before(async () => {
  app = await startApp();
  await app.app.registry.enable("fixture-votes", "forced");
  app.app.registry.hooks.on<"container.removed">("core", "container.removed", ({ container }: ActionHooks["container.removed"]) => void heard.push({ name: "removed", container }));
  app.app.registry.hooks.on<"container.archived">("core", "container.archived", ({ container, isArchived }: ActionHooks["container.archived"]) => void heard.push({ name: "archived", container, isArchived }));
});
test.after.always(() => app?.close());

async function fixture() {
  return import("../fixtures/modules/fixture-votes/index.ts");
}

/** A poll written through the fixture's group route; its poll row id. */
async function poll(client: Client, group: CreatedGroup, question: string): Promise<{ contentId: number; pollId: number }> {
  const { Content } = await import("../../core/models/content.ts");
  const response = await client.post(`${group.url}/fixture-votes`, { question });
  const contentId = Number(/^\/c\/(\d+)$/.exec(response.location)?.[1]);
  if (response.status !== 302 || !contentId) throw new Error(`poll refused: ${response.status}`);
  return { contentId, pollId: (await Content.findByPk(contentId))!.refId! };
}

const vote = (client: Client, group: CreatedGroup, pollId: number) => client.post(`${group.url}/fixture-votes/${pollId}/vote`, {});
const pollRow = async (id: number) => (await import("../fixtures/modules/fixture-votes/models.ts")).FixturePoll.findByPk(id);
const votesOf = async (pollId: number) => (await import("../fixtures/modules/fixture-votes/models.ts")).FixtureVote.count({ where: { pollId } });

test.serial("archiving a group tells every module with the group, which freezes its rows; restoring thaws them", async (t) => {
  const { containerEvents } = await fixture();
  const owner = await app.signedIn("member");
  const member = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Frozen lake", visibility: "open" });
  const other = await createGroup(owner.client, { name: "Open sea", visibility: "open" });
  await addMember(group.id, member.userId);
  const { pollId } = await poll(owner.client, group, "Skate today?");
  const elsewhere = await poll(owner.client, other, "Swim today?");
  containerEvents.length = 0;
  heard.length = 0;

  t.is((await owner.client.post(`${group.url}/archive`)).status, 302);
  t.deepEqual(containerEvents, [{ hook: "archived", container: { type: "group", id: group.id, slug: group.slug, name: "Frozen lake" }, isArchived: true }]);
  t.true((await pollRow(pollId))!.isFrozen);
  t.false((await pollRow(elsewhere.pollId))!.isFrozen, "another group's poll is left alone");
  t.is((await vote(member.client, group, pollId)).status, 409, "a frozen poll takes no vote");
  t.deepEqual(heard.map(({ name, container, isArchived }) => [name, container.id, isArchived]), [["archived", group.id, true]], "container.archived after the commit");

  t.is((await owner.client.post(`${group.url}/restore`)).status, 302);
  t.deepEqual(containerEvents.at(-1), { hook: "archived", container: { type: "group", id: group.id, slug: group.slug, name: "Frozen lake" }, isArchived: false });
  t.false((await pollRow(pollId))!.isFrozen);
  t.is((await vote(member.client, group, pollId)).status, 204);
});

test.serial("deleting a group runs every module's hook with it, then core removes its contents and module switches", async (t) => {
  const { containerEvents } = await fixture();
  const { Content } = await import("../../core/models/content.ts");
  const { ModuleState } = await import("../../core/models/module-state.ts");
  const owner = await app.signedIn("member");
  const doomed = await createGroup(owner.client, { name: "Doomed club", visibility: "open" });
  const kept = await createGroup(owner.client, { name: "Kept club", visibility: "open" });
  const gone = await poll(owner.client, doomed, "Last meeting?");
  const stays = await poll(owner.client, kept, "Next meeting?");
  t.is((await vote(owner.client, doomed, gone.pollId)).status, 204);
  t.is((await vote(owner.client, kept, stays.pollId)).status, 204);
  await ModuleState.create({ moduleId: "fixture-group-notes", containerType: "group", containerId: doomed.id, state: "enabled" });
  containerEvents.length = 0;
  heard.length = 0;

  t.is((await owner.client.post(`${doomed.url}/delete`, { confirm: doomed.slug })).status, 302);
  t.deepEqual(containerEvents, [{ hook: "removed", container: { type: "group", id: doomed.id, slug: doomed.slug, name: "Doomed club" } }]);
  t.is(await pollRow(gone.pollId), null, "the module's rows for the group are gone");
  t.is(await votesOf(gone.pollId), 0);
  t.is(await Content.findByPk(gone.contentId), null, "and the group's contents");
  t.is(await ModuleState.count({ where: { containerType: "group", containerId: doomed.id } }), 0, "and its module switches");
  t.truthy(await pollRow(stays.pollId), "another group's rows stay");
  t.is(await votesOf(stays.pollId), 1);
  t.truthy(await Content.findByPk(stays.contentId));
  t.deepEqual(heard.map(({ name, container }) => [name, container.id]), [["removed", doomed.id]], "container.removed after the commit");
});

test.serial("a module removes or archives only containers of a type it registered", async (t) => {
  const { moduleContainerApi } = await import("../../core/content/container-lifecycle.ts");
  const { registry, sequelize } = app.app;
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Not yours", visibility: "open" });
  const container = { type: "group", id: group.id, slug: group.slug, name: "Not yours" };
  await t.throwsAsync(() => sequelize.transaction((transaction) => moduleContainerApi(registry, "fixture-votes").remove(container, { transaction, by: null })), { message: /only its own container types/ });
  await t.throwsAsync(() => sequelize.transaction((transaction) => moduleContainerApi(registry, "fixture-votes").archive(container, { transaction, by: null })), { message: /only its own container types/ });
  t.is((await owner.client.get(group.url)).status, 200, "the group is untouched");
});
