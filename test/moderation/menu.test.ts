import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { queriesFor } from "../helpers/queries.ts";
import { addMember, createGroup } from "../../modules/groups/test/helpers.ts";

// The main menu leads to /moderation only for people who moderate something (admins, a container's
// owner, admin or moderator), and asking does not cost a query on every page.

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const menuLink = /<li><a href="\/moderation"(?: aria-current="page")?>Moderation<\/a><\/li>/;
const forget = async (userId?: number) => (await import("../../core/content/moderation/moderator-of.ts")).forgetModerators(userId);

test.serial("a group moderator gets the menu entry; a plain member and a guest do not (en, fr)", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Moderated room", visibility: "private" });
  const moderator = await app.signedIn("member");
  const member = await app.signedIn("member");
  const guest = await app.signedIn("guest");
  await addMember(group.id, moderator.userId, "moderator");
  await addMember(group.id, member.userId, "member");
  await addMember(group.id, guest.userId, "member");
  await forget();
  t.regex((await moderator.client.get("/")).text, menuLink);
  t.regex((await moderator.client.get("/", { "accept-language": "fr" })).text, /<li><a href="\/moderation">Modération<\/a><\/li>/);
  t.regex((await owner.client.get("/")).text, menuLink, "the group's owner moderates it");
  t.notRegex((await member.client.get("/")).text, /href="\/moderation"/);
  t.notRegex((await guest.client.get("/")).text, /href="\/moderation"/);
  t.is((await moderator.client.get("/moderation")).status, 200, "the entry leads to a page they may open");
  t.regex((await moderator.client.get("/moderation")).text, /<li><a href="\/moderation" aria-current="page">/);
});

test.serial("an admin gets the entry; someone whose own profile is their only 'container' does not", async (t) => {
  const admin = await app.signedIn("admin");
  t.regex((await admin.client.get("/")).text, menuLink);
  const loner = await app.signedIn("member");
  t.notRegex((await loner.client.get("/")).text, /href="\/moderation"/);
});

test.serial("a role given shows once the kept answer expires; pages do not ask again meanwhile", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Later moderated", visibility: "open" });
  const person = await app.signedIn("member");
  await forget(person.userId);
  const first = await queriesFor(app, person.client, "/topics");
  const again = await queriesFor(app, person.client, "/topics");
  t.true(again < first, "the second page reuses the kept answer");
  await addMember(group.id, person.userId, "moderator");
  t.notRegex((await person.client.get("/")).text, /href="\/moderation"/, "kept for a minute");
  await forget(person.userId);
  t.regex((await person.client.get("/")).text, menuLink);
});
