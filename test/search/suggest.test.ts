import test from "ava";
import type { TestApp } from "../helpers/app.ts";
import { startSearchApp, suggestions } from "./helpers.ts";

let app: TestApp;
test.before(async () => {
  app = await startSearchApp();
});
test.after.always(() => app?.close());

const names = (body: { people: { displayName: string }[] }) => body.people.map((person) => person.displayName).sort();

test.serial("people by the start of any name word, accents and case ignored", async (t) => {
  const { client } = await app.signedIn("member", { displayName: "Viewer Person" });
  await app.createUser({ displayName: "Élodie Martin" });
  await app.createUser({ displayName: "eloise Duval" });
  await app.createUser({ displayName: "Marc Élan" });
  await app.createUser({ displayName: "Elodea Gone", status: "disabled" });

  t.deepEqual(names((await suggestions(client, "elo")).body), ["eloise Duval", "Élodie Martin"]);
  t.deepEqual(names((await suggestions(client, "ÉLO")).body), ["eloise Duval", "Élodie Martin"]);
  t.deepEqual(names((await suggestions(client, "mar")).body), ["Marc Élan", "Élodie Martin"]);
  t.deepEqual(names((await suggestions(client, "elo mart")).body), ["Élodie Martin"]);
  const { body } = await suggestions(client, "élodie");
  t.deepEqual(Object.keys(body.people[0]).sort(), ["displayName", "jobTitle", "photoUrl", "url", "username"]);
  t.regex(body.people[0].url, /^\/u\/[a-z0-9._-]+$/);
});

test.serial("clubs: listed ones for members, secret ones only for their members, nothing for guests", async (t) => {
  const insider = await app.signedIn("member");
  const outsider = await app.signedIn("member");
  const guest = await app.signedIn("guest");
  const sql = (query: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query(query, { replacements });
  for (const [slug, name, visibility] of [["orbit-open", "Orbiters Open", "open"], ["orbit-private", "Orbiters Private", "private"], ["orbit-secret", "Orbiters Secret", "secret"]]) {
    await sql("INSERT INTO fixture_clubs (slug, name, description, visibility, created_at) VALUES (:slug, :name, '', :visibility, :now)", { slug, name, visibility, now: new Date() });
  }
  await sql("INSERT INTO fixture_club_members (club_id, user_id) SELECT id, :userId FROM fixture_clubs WHERE slug = 'orbit-secret'", { userId: insider.userId });

  const clubs = async (client: typeof insider.client) => (await suggestions(client, "orbit")).body.containers.map((club: { name: string }) => club.name).sort();
  t.deepEqual(await clubs(insider.client), ["Orbiters Open", "Orbiters Private", "Orbiters Secret"]);
  t.deepEqual(await clubs(outsider.client), ["Orbiters Open", "Orbiters Private"]);
  t.deepEqual(await clubs(guest.client), []);
  const [first] = (await suggestions(insider.client, "orbiters sec")).body.containers;
  t.deepEqual(first, { type: "fixture-club", name: "Orbiters Secret", url: "/fixture-clubs/orbit-secret" });
});

test.serial("guests are suggested only themselves; bad input is refused", async (t) => {
  await app.createUser({ displayName: "Quentin Staffmember" });
  const guest = await app.signedIn("guest", { displayName: "Quinn Guest" });
  t.deepEqual(names((await suggestions(guest.client, "qu")).body), ["Quinn Guest"]);

  const { client } = await app.signedIn("member");
  t.deepEqual({ ...(await suggestions(client, "")).body, labels: null }, { people: [], containers: [], labels: null });
  t.deepEqual((await suggestions(client, "?!")).body, { people: [], containers: [], labels: { people: "People", containers: "Groups", all: "All results for" } });
  t.is((await suggestions(client, "x".repeat(65))).status, 400);
  const anonymous = await app.client().get("/search/suggest?q=qu", { accept: "application/json" });
  t.is(anonymous.status, 401);
});
