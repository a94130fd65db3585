import test from "ava";
import { startApp, adminAccount, type TestApp } from "../helpers/app.ts";
import { usernameOf } from "../helpers/content.ts";
import { UserProfile, UserTag } from "../../core/models/profile.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const allFields = ["photo", "jobTitle", "department", "location", "phone", "manager", "bio", "skills", "languages"];

async function adminClient() {
  const admin = app.client();
  await admin.login(adminAccount.email, adminAccount.password);
  return admin;
}

test.serial("people edit their own profile and colleagues see it", async (t) => {
  const ana = await app.signedIn("member", { displayName: "Ana Berg" });
  const boss = await app.createUser({ displayName: "Bo Boss" });
  const bossName = await usernameOf(boss.userId);
  const saved = await ana.client.post("/account/profile", {
    jobTitle: "  Quality   engineer ",
    department: "Quality",
    location: "Lyon",
    phone: "+33 4 12 34 56 78",
    manager: `@${bossName}`,
    bio: "I test **everything**.",
    skills: "Excel, Six Sigma; excel, Lean",
    languages: "French, English",
  });
  t.is(saved.status, 302);
  t.is(saved.location, "/account/profile");

  const profile = (await UserProfile.findByPk(ana.userId))!;
  t.is(profile.jobTitle, "Quality engineer");
  t.is(profile.managerId, boss.userId);
  const skills = await UserTag.findAll({ where: { userId: ana.userId, kind: "skill" }, order: [["name", "ASC"]] });
  t.deepEqual(skills.map((tag) => [tag.name, tag.label]), [["excel", "Excel"], ["lean", "Lean"], ["six sigma", "Six Sigma"]]);

  const form = await ana.client.get("/account/profile");
  t.regex(form.text, /value="Quality engineer"/);
  t.regex(form.text, /value="Excel, Lean, Six Sigma"/);

  const colleague = await app.signedIn("member");
  const page = await colleague.client.get(`/u/${await usernameOf(ana.userId)}`);
  t.is(page.status, 200);
  t.true(page.text.includes("Quality engineer"));
  t.true(page.text.includes("<strong>everything</strong>"));
  t.regex(page.text, /href="\/people\?skill=six%20sigma">Six Sigma<\/a>/);
  t.true(page.text.includes(`href="/u/${bossName}">Bo Boss</a>`), "manager link");
  t.true(page.text.includes('href="tel:+33412345678"'));
  t.true(page.text.includes("English, French"));

  const bossPage = await colleague.client.get(`/u/${bossName}`);
  t.true(bossPage.text.includes("Direct reports"));
  t.true(bossPage.text.includes("Ana Berg"));
});

test.serial("invalid values come back as typed with a 422 and nothing changes", async (t) => {
  const { client, userId } = await app.signedIn("member");
  t.is((await client.post("/account/profile", { jobTitle: "Buyer", skills: "Negotiation" })).status, 302);
  const tooMany = Array.from({ length: 31 }, (_, i) => `skill${i}`).join(", ");
  const cases: [Record<string, string>, string][] = [
    [{ jobTitle: "Kept title", phone: "call me maybe" }, "Enter a phone number"],
    [{ jobTitle: "Kept title", skills: tooMany }, "Up to 30 entries"],
    [{ jobTitle: "Kept title", skills: `ok, ${"x".repeat(41)}` }, "up to 40 characters"],
    [{ jobTitle: "Kept title", skills: "<script>" }, "Use letters"],
    [{ jobTitle: "Kept title", manager: "nobody-at-all" }, "Nobody active has this username"],
    [{ jobTitle: "x".repeat(101) }, "too long"],
    [{ jobTitle: "Kept title", bio: "y".repeat(5001) }, "Up to 5,000 characters"],
  ];
  for (const [fields, message] of cases) {
    const response = await client.post("/account/profile", fields);
    t.is(response.status, 422, JSON.stringify(fields).slice(0, 80));
    t.true(response.text.includes(message), message);
    if (fields.jobTitle === "Kept title") t.regex(response.text, /value="Kept title"/);
  }
  const profile = (await UserProfile.findByPk(userId))!;
  t.is(profile.jobTitle, "Buyer");
  t.deepEqual((await UserTag.findAll({ where: { userId } })).map((tag) => tag.name), ["negotiation"]);
});

test.serial("a manager chain cannot loop back", async (t) => {
  const top = await app.signedIn("member");
  const middle = await app.signedIn("member");
  const bottom = await app.signedIn("member");
  const [topName, middleName, bottomName] = await Promise.all([top.userId, middle.userId, bottom.userId].map(usernameOf));
  t.is((await middle.client.post("/account/profile", { manager: topName })).status, 302);
  t.is((await bottom.client.post("/account/profile", { manager: middleName })).status, 302);

  const self = await top.client.post("/account/profile", { manager: topName });
  t.is(self.status, 422);
  t.true(self.text.includes("loop"));
  const cycle = await top.client.post("/account/profile", { manager: bottomName });
  t.is(cycle.status, 422);
  t.true(cycle.text.includes("loop"));
  t.regex(cycle.text, new RegExp(`value="${bottomName}"`));
  t.is((await UserProfile.findByPk(top.userId))?.managerId ?? null, null);
  // Clearing a manager is always fine, and then the old loop is possible the other way round.
  t.is((await middle.client.post("/account/profile", { manager: "" })).status, 302);
  t.is((await top.client.post("/account/profile", { manager: middleName })).status, 302);
});

test.serial("an admin hides a field: not shown, not editable, not filterable", async (t) => {
  const admin = await adminClient();
  const person = await app.signedIn("member");
  const username = await usernameOf(person.userId);
  t.is((await person.client.post("/account/profile", { phone: "+44 20 7946 0000", department: "Legal" })).status, 302);
  const viewer = await app.signedIn("member");
  t.true((await viewer.client.get(`/u/${username}`)).text.includes("+44 20 7946 0000"));

  const page = await admin.get("/admin/profile-fields");
  t.is(page.status, 200);
  t.regex(page.text, /name="shown" value="phone" checked/);
  t.is((await admin.post("/admin/profile-fields", { shown: allFields.filter((field) => field !== "phone" && field !== "department") })).status, 302);
  t.regex((await admin.get("/admin/profile-fields")).text, /name="shown" value="phone">/);

  const profile = await viewer.client.get(`/u/${username}`);
  t.false(profile.text.includes("+44 20 7946 0000"));
  t.false(profile.text.includes("Legal"));
  const form = await person.client.get("/account/profile");
  t.false(form.text.includes('name="phone"'));
  t.true(form.text.includes('name="jobTitle"'));
  t.is((await person.client.post("/account/profile", { phone: "+1 555 0100", jobTitle: "Counsel" })).status, 302);
  const stored = (await UserProfile.findByPk(person.userId))!;
  t.is(stored.phone, "+44 20 7946 0000", "a hidden field is not editable");
  t.is(stored.jobTitle, "Counsel");
  const directory = await viewer.client.get("/people?department=Legal");
  t.true(directory.text.includes(username), "the hidden department filter is ignored, not applied");
  t.false(directory.text.includes('id="f-department"'));

  t.is((await admin.post("/admin/profile-fields", { shown: ["bogus"] })).status, 400);
  t.is((await person.client.post("/admin/profile-fields", { shown: allFields })).status, 403);
  t.is((await admin.post("/admin/profile-fields", { shown: allFields })).status, 302);
  t.true((await viewer.client.get(`/u/${username}`)).text.includes("+44 20 7946 0000"), "switched back on, the value returns");
});

test.serial("XSS payloads in name, job title, bio and tags render inert", async (t) => {
  const payload = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`;
  const person = await app.signedIn("member", { displayName: `Eve ${payload}` });
  const username = await usernameOf(person.userId);
  const saved = await person.client.post("/account/profile", {
    jobTitle: payload,
    department: payload,
    location: `"><svg onload=alert(3)>`,
    bio: `${payload}\n\n[x](javascript:alert(4)) <a href="https://x" onclick="alert(5)">y</a>`,
  });
  t.is(saved.status, 302);
  const viewer = await app.signedIn("member");
  for (const path of [`/u/${username}`, `/people?q=Eve`, `/people?department=${encodeURIComponent(payload)}`]) {
    const page = await viewer.client.get(path);
    t.is(page.status, 200, path);
    const main = page.text.slice(page.text.indexOf("<main"), page.text.indexOf("</main>"));
    const tags = main.match(/<[a-z][^>]*>/gi) ?? [];
    // Attribute values are stripped first: an escaped payload inside value="…" is text, not markup.
    const dangerous = tags.filter((tag) => {
      const bare = tag.replace(/"[^"]*"/g, '""');
      return /^<(script|svg|iframe)/i.test(tag) || (/^<img/i.test(tag) && !/^<img class="avatar/.test(tag)) || /\son\w+=/i.test(bare) || /href="javascript:/i.test(tag);
    });
    t.deepEqual(dangerous, [], path);
    t.true(main.includes("&lt;script&gt;"), path);
  }
  const suggest = await viewer.client.get("/people/suggest?q=eve", { accept: "application/json" });
  t.is(suggest.headers.get("content-type")?.split(";")[0], "application/json");
  t.true(JSON.parse(suggest.text).some((person: { displayName: string }) => person.displayName.includes("<script>")), "JSON carries the raw text; scripts build DOM with textContent");
});
