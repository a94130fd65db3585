import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { usernameOf } from "../helpers/content.ts";
import { UserProfile, UserTag } from "../../core/models/profile.ts";

let app: TestApp;
let reader: Client;
test.before(async () => {
  app = await startApp();
  reader = (await app.signedIn("member", { displayName: "Rita Reader" })).client;
});
test.after.always(() => app?.close());

/** Someone with a profile written straight to the tables: these tests are about finding people, not editing. */
async function person(displayName: string, profile: Partial<UserProfile> = {}, skills: string[] = [], email?: string) {
  const { userId } = await app.createUser({ displayName, ...(email ? { email } : {}) });
  await UserProfile.create({ userId, jobTitle: null, department: null, location: null, phone: null, managerId: null, bio: null, ...profile });
  await UserTag.bulkCreate(skills.map((label) => ({ userId, kind: "skill" as const, name: label.toLowerCase(), label })));
  return { userId, username: await usernameOf(userId) };
}

const names = (html: string) => [...html.matchAll(/class="person-name" href="\/u\/[^"]+">([^<]+)</g)].map((match) => match[1]);

test.serial("search by name, username or job title ignores case and accents", async (t) => {
  const elodie = await person("Élodie Martin", { jobTitle: "Responsable qualité", department: "Qualité", location: "Nantes" });
  await person("Marc Dupont", { jobTitle: "Comptable", department: "Finance", location: "Paris" });

  t.deepEqual(names((await reader.get("/people?q=elodie")).text), ["Élodie Martin"]);
  t.deepEqual(names((await reader.get("/people?q=%C3%89LO")).text), ["Élodie Martin"], "ÉLO");
  t.deepEqual(names((await reader.get("/people?q=QUALITE")).text), ["Élodie Martin"], "job title, accent-insensitive");
  t.deepEqual(names((await reader.get(`/people?q=${elodie.username.slice(0, 6)}`)).text).includes("Élodie Martin"), true, "username");
  t.deepEqual(names((await reader.get("/people?q=dupont")).text), ["Marc Dupont"]);
  t.deepEqual(names((await reader.get("/people?q=nobody-like-this")).text), []);
  t.true((await reader.get("/people?q=nobody-like-this")).text.includes("Nobody matches"));
  // Signs that mean something to GLOB or regular expressions are plain text here.
  t.is((await reader.get(`/people?q=${encodeURIComponent("*[a-z]^$.(")}`)).status, 200);

  t.deepEqual(names((await reader.get("/people?department=Finance")).text), ["Marc Dupont"]);
  t.deepEqual(names((await reader.get(`/people?location=Nantes&department=${encodeURIComponent("Qualité")}`)).text), ["Élodie Martin"]);
  t.deepEqual(names((await reader.get("/people?location=Nantes&department=Finance")).text), []);
  const page = await reader.get("/people");
  t.regex(page.text, /<option value="Finance">Finance<\/option>/, "department facet");
  t.regex(page.text, /<option value="Nantes">Nantes<\/option>/, "location facet");
});

test.serial("the skill filter finds the expert, and skills link to it", async (t) => {
  const expert = await person("Kim Kubernetes", { jobTitle: "SRE" }, ["Kubernetes", "Go"]);
  await person("Lee Layout", {}, ["CSS"]);
  const found = await reader.get("/people?skill=KUBERNETES");
  t.deepEqual(names(found.text), ["Kim Kubernetes"]);
  t.regex(found.text, /<option value="kubernetes">/, "skill facet");
  const profile = await reader.get(`/u/${expert.username}`);
  t.regex(profile.text, /href="\/people\?skill=kubernetes">Kubernetes<\/a>/);
});

test.serial("the directory pages by name with a plain next link, 24 a page, active people only", async (t) => {
  for (let i = 0; i < 30; i++) await person(`Zed ${String(i).padStart(2, "0")}`, { department: "Paging" });
  const disabled = await person("Zed Disabled", { department: "Paging" });
  const { User } = await import("../../core/models/user.ts");
  await User.update({ status: "disabled" }, { where: { id: disabled.userId } });

  const first = await reader.get("/people?department=Paging");
  const firstNames = names(first.text);
  t.is(firstNames.length, 24);
  t.deepEqual(firstNames, [...firstNames].sort());
  const next = /<a class="button" href="([^"]+)" rel="next">/.exec(first.text);
  t.truthy(next);
  const nextUrl = next![1].replace(/&amp;/g, "&");
  t.regex(nextUrl, /^\/people\?department=Paging&after=\d+-[A-Za-z0-9_-]+$/);
  const second = await reader.get(nextUrl);
  const secondNames = names(second.text);
  t.is(secondNames.length, 6);
  t.false(secondNames.includes("Zed Disabled"));
  t.deepEqual([...firstNames, ...secondNames], Array.from({ length: 30 }, (_, i) => `Zed ${String(i).padStart(2, "0")}`));
  t.false(/rel="next"/.test(second.text));
  t.regex(second.text, /href="\/people\?department=Paging">First page/);
  t.is((await reader.get("/people?after=garbage")).status, 400);
  t.is((await reader.get("/people?q=a&q=b")).status, 400);
});

test.serial("guests get no directory and no suggestions; visitors must sign in", async (t) => {
  const guest = await app.signedIn("guest");
  t.is((await guest.client.get("/people")).status, 403);
  t.is((await guest.client.get("/people/suggest?q=a", { accept: "application/json" })).status, 403);
  t.is((await app.client().get("/people")).status, 302);
  t.is((await app.client().get("/people/suggest?q=a", { accept: "application/json" })).status, 401);
});

test.serial("a guest sees a colleague's name and photo, not their fields or posts", async (t) => {
  const staff = await person("Stella Staff", { jobTitle: "Secret title", department: "Hidden Dept" });
  const guest = await app.signedIn("guest");
  const page = await guest.client.get(`/u/${staff.username}`);
  t.is(page.status, 200);
  t.true(page.text.includes("Stella Staff"));
  t.false(page.text.includes("Secret title"));
  t.false(page.text.includes("Hidden Dept"));
  t.false(page.text.includes("/follow"));
  t.is((await guest.client.post(`/u/${staff.username}/follow`)).status, 403);
});

test.serial("suggest answers JSON prefix matches on username and display name, at most 8", async (t) => {
  const sam = await person("Samira Suggest", { jobTitle: "Designer" });
  // Usernames come from e-mail addresses, without accents: they make "emile" find Émile.
  await person("Émile Suggestion", { jobTitle: "Writer" }, [], "emile.suggestion@example.test");
  for (let i = 0; i < 10; i++) await person(`Sugar ${i}`);
  const json = async (q: string) => {
    const response = await reader.get(`/people/suggest?q=${encodeURIComponent(q)}`, { accept: "application/json" });
    t.is(response.status, 200, q);
    return JSON.parse(response.text) as { username: string; displayName: string; jobTitle: string | null; photoUrl: string }[];
  };
  const samira = await json("samira s");
  t.deepEqual(samira, [{ username: sam.username, displayName: "Samira Suggest", jobTitle: "Designer", photoUrl: `/u/${sam.username}/photo?size=small` }]);
  t.deepEqual((await json("@SAMI")).map((p) => p.displayName), ["Samira Suggest"]);
  t.deepEqual((await json("emile")).map((p) => p.displayName), ["Émile Suggestion"], "accents ignored");
  t.deepEqual((await json("émi")).map((p) => p.displayName), ["Émile Suggestion"]);
  t.is((await json("su")).length, 8);
  t.deepEqual(await json("zzzz-nobody"), []);
  for (const bad of ["", "?q=", `?q=${"a".repeat(65)}`, "?q=a&q=b"]) {
    t.is((await reader.get(`/people/suggest${bad}`, { accept: "application/json" })).status, 400, bad);
  }
});
