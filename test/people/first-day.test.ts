import test from "ava";
import sharp from "sharp";
import { startApp, adminAccount, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import { statementsFor } from "../helpers/queries.ts";
import { createGroup, addMember } from "../../modules/groups/test/helpers.ts";
import { UserProfile } from "../../core/models/profile.ts";
import { User } from "../../core/models/user.ts";
import { UserFollow } from "../../core/models/mention.ts";

let app: TestApp;
let admin: Client;
test.before(async () => {
  app = await startApp();
  admin = app.client();
  await admin.login(adminAccount.email, adminAccount.password);
});
test.after.always(() => app?.close());

const sql = (statement: string, replacements: Record<string, unknown> = {}) => app.app.sequelize.query(statement, { replacements });
/** The first-day block of a page, or "" when there is none. */
const block = (html: string) => {
  const start = html.indexOf("data-first-day");
  return start < 0 ? "" : html.slice(start, html.indexOf("</section>", start));
};
const section = (html: string, heading: string) => {
  const start = html.indexOf(`<h3>${heading}</h3>`);
  if (start < 0) return "";
  const end = html.indexOf("</ul>", start);
  return html.slice(start, end);
};
const closedAt = async (userId: number) => (await User.findByPk(userId))!.firstDayClosedAt;

async function saveSettings(fields: Record<string, string>) {
  await admin.get("/admin/settings");
  return admin.post("/admin/settings", { siteName: "Agora", registrationMode: "closed", defaultLanguage: "en", linkPreviews: "1", linkPreviewHosts: "", ...fields });
}

async function person(displayName: string, profile: { department?: string; managerId?: number } = {}, status: "active" | "disabled" = "active") {
  const { userId } = await app.createUser({ displayName, status });
  await UserProfile.upsert({ userId, department: profile.department ?? null, managerId: profile.managerId ?? null, jobTitle: null, location: null, phone: null, bio: null });
  return { userId, username: await usernameOf(userId) };
}

/** A world of groups and colleagues for one newcomer in the department "Logistics". */
async function world(tag: string) {
  const owner = await app.signedIn("member");
  const busy = await createGroup(owner.client, { name: `Busy ${tag}`, visibility: "open" });
  const quiet = await createGroup(owner.client, { name: `Quiet ${tag}`, visibility: "open" });
  const secret = await createGroup(owner.client, { name: `Secret ${tag}`, visibility: "secret" });
  const closed = await createGroup(owner.client, { name: `Private ${tag}`, visibility: "private" });
  const mine = await createGroup(owner.client, { name: `Mine ${tag}`, visibility: "open" });
  for (let index = 0; index < 3; index += 1) {
    for (const group of [busy, secret, closed, mine]) await publish(owner.client, { target: `group:${group.id}`, body: `News ${index} in ${group.slug}` });
  }
  const department = `Logistics ${tag}`;
  const manager = await person(`Manager ${tag}`, { department: "Board" });
  const peer = await person(`Peer ${tag}`, { managerId: manager.userId, department: "Elsewhere" });
  const colleague = await person(`Colleague ${tag}`, { department });
  const disabled = await person(`Disabled ${tag}`, { department }, "disabled");
  const followed = await person(`Followed ${tag}`, { department });
  const stranger = await person(`Stranger ${tag}`, { department: "Sales" });
  const newcomer = await app.signedIn("member", { displayName: `Newcomer ${tag}` });
  await UserProfile.upsert({ userId: newcomer.userId, department, managerId: manager.userId, jobTitle: null, location: null, phone: null, bio: null });
  await addMember(mine.id, newcomer.userId);
  await UserFollow.create({ followerId: newcomer.userId, followedId: followed.userId });
  // Made a default group after the newcomer arrived: offered to them, first of all.
  const onboarding = await createGroup(owner.client, { name: `Onboarding ${tag}`, visibility: "open" });
  await sql(`UPDATE "groups" SET is_default = :yes WHERE id = :id`, { yes: true, id: onboarding.id });
  return { owner, newcomer, groups: { busy, quiet, secret, closed, mine, onboarding }, people: { manager, peer, colleague, disabled, followed, stranger } };
}

test.serial("a newcomer sees the welcome text, the checklist, groups to join and colleagues to follow", async (t) => {
  t.is((await saveSettings({ welcomeText_en: "**Hello** newcomers <script>alert(1)</script>", welcomeText_fr: "Bonjour et *bienvenue*" })).status, 302);
  const { newcomer, groups, people } = await world("a");
  const page = (await newcomer.client.get("/")).text;
  const first = block(page);
  t.true(first.includes("<strong>Hello</strong> newcomers"), first);
  t.false(first.includes("<script>"));
  for (const step of ["photo", "about", "post"]) t.regex(first, new RegExp(`class="is-todo" data-step="${step}"`));
  t.regex(first, /class="is-done" data-step="group"/, "they are in a group beyond the default ones");
  t.true(first.includes('href="/account/profile#f-photo"') && first.includes("Write your first post"));

  const offered = section(first, "Groups to join");
  const order = [groups.onboarding, groups.busy, groups.quiet].map((group) => offered.indexOf(`action="/g/${group.slug}/join"`));
  t.true(order.every((index) => index >= 0), offered);
  t.deepEqual([...order].sort((a, b) => a - b), order, "default first, then by recent contents");
  t.true(offered.includes('name="returnTo" value="/"') && offered.includes('name="_csrf"'));
  for (const group of [groups.secret, groups.closed, groups.mine]) t.false(offered.includes(`/g/${group.slug}/`), group.slug);
  t.false(offered.includes("Secret a") || offered.includes("Private a"));

  const colleagues = section(first, "Colleagues to follow");
  for (const { username } of [people.manager, people.peer, people.colleague]) t.true(colleagues.includes(`action="/u/${username}/follow"`), username);
  t.true(colleagues.indexOf(people.manager.username) < colleagues.indexOf(people.peer.username), "the manager first, then the team");
  for (const { username } of [people.disabled, people.followed, people.stranger]) t.false(colleagues.includes(`/u/${username}`), username);
  t.false(colleagues.includes(`/u/${await usernameOf(newcomer.userId)}/follow`), "never themselves");
  t.regex(colleagues, /class="avatar avatar-medium tone-\d+"/, "initials when there is no photo");

  // A reader of French gets the French text.
  await sql("UPDATE users SET language = 'fr' WHERE id = :id", { id: newcomer.userId });
  const french = block((await newcomer.client.get("/")).text);
  t.true(french.includes("Bonjour et <em>bienvenue</em>") && french.includes("Groupes à rejoindre") && french.includes("Collègues à suivre"));
});

test.serial("joining and following from the block: back to the dashboard, which updates", async (t) => {
  const { newcomer, groups, people } = await world("b");
  await newcomer.client.get("/");
  const joined = await newcomer.client.post(`/g/${groups.busy.slug}/join`, { returnTo: "/" });
  t.is(joined.status, 302);
  t.is(joined.location, "/");
  const [membership] = (await sql("SELECT role FROM group_memberships WHERE group_id = :group AND user_id = :user", { group: groups.busy.id, user: newcomer.userId }))[0] as { role: string }[];
  t.is(membership?.role, "member");
  const followed = await newcomer.client.post(`/u/${people.manager.username}/follow`, { returnTo: "/" });
  t.is(followed.status, 302);
  t.is(followed.location, "/");
  t.truthy(await UserFollow.findOne({ where: { followerId: newcomer.userId, followedId: people.manager.userId } }));

  const after = block((await newcomer.client.get("/")).text);
  t.false(section(after, "Groups to join").includes(`/g/${groups.busy.slug}/join`));
  t.regex(after, /class="is-done" data-step="group"/, "a group beyond the default ones ticks the step");
  t.false(section(after, "Colleagues to follow").includes(`/u/${people.manager.username}/follow`));
  t.true(section(after, "Colleagues to follow").includes(`/u/${people.peer.username}/follow`));
  // An outside address is never where a form sends people back to.
  t.is((await newcomer.client.post(`/u/${people.peer.username}/follow`, { returnTo: "//evil.example/" })).location, "/");
});

test.serial("finishing the checklist closes the block for good; a settled dashboard asks nothing of it", async (t) => {
  const newcomer = await app.signedIn("member");
  const owner = await app.signedIn("member");
  const club = await createGroup(owner.client, { name: "Finishers club", visibility: "open" });
  t.true(block((await newcomer.client.get("/")).text).length > 0);
  const warm = await statementsFor(app, newcomer.client, "/");
  t.true(warm.some((statement) => /c\.author_id = /.test(statement) && /user_profiles/.test(statement)), "the block reads the person's state while it shows");

  await newcomer.client.get("/account/profile");
  const form = new FormData();
  const jpeg = await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 10, g: 120, b: 60 } } }).jpeg().toBuffer();
  form.append("photo", new Blob([new Uint8Array(jpeg)], { type: "image/jpeg" }), "me.jpg");
  t.is((await newcomer.client.request("POST", `/account/profile/photo?_csrf=${encodeURIComponent(newcomer.client.csrfToken)}`, { body: form })).status, 302);
  t.is((await newcomer.client.post("/account/profile", { bio: "I run the night shift." })).status, 302);
  await publish(newcomer.client, { target: "company:0", body: "Hello everyone, first day here!" });
  let first = block((await newcomer.client.get("/")).text);
  for (const step of ["photo", "about", "post"]) t.regex(first, new RegExp(`class="is-done" data-step="${step}"`));
  t.regex(first, /class="is-todo" data-step="group"/);
  t.is(await closedAt(newcomer.userId), null);

  await newcomer.client.post(`/g/${club.slug}/join`, { returnTo: "/" });
  first = block((await newcomer.client.get("/")).text);
  t.is(first, "");
  t.truthy(await closedAt(newcomer.userId));
  const settled = await statementsFor(app, newcomer.client, "/");
  t.deepEqual(settled.filter((statement) => /c\.author_id = |is_default|closeness/.test(statement)), [], settled.join("\n"));
  t.true(settled.length < warm.length);
});

test.serial("dismissing hides the block for good; without the CSRF token nothing is written", async (t) => {
  const newcomer = await app.signedIn("member");
  t.true(block((await newcomer.client.get("/")).text).length > 0);
  t.is((await newcomer.client.post("/first-day/dismiss", {}, { csrf: false })).status, 403);
  t.is(await closedAt(newcomer.userId), null);
  const dismissed = await newcomer.client.post("/first-day/dismiss");
  t.is(dismissed.status, 302);
  t.is(dismissed.location, "/");
  const page = (await newcomer.client.get("/")).text;
  t.is(block(page), "");
  t.true(page.includes("Your first steps are hidden"));
  t.truthy(await closedAt(newcomer.userId));
  t.is(block((await newcomer.client.get("/")).text), "");
  t.is((await app.client().post("/first-day/dismiss")).status, 302, "a visitor is sent to sign in");
});

test.serial("a settled person's dashboard costs the same statements as a long-time member's", async (t) => {
  const dismissed = await app.signedIn("member");
  await dismissed.client.post("/first-day/dismiss");
  const old = await app.signedIn("member");
  await sql("UPDATE users SET created_at = :long WHERE id = :id", { long: new Date(Date.now() - 90 * 24 * 3600 * 1000), id: old.userId });
  t.is(block((await old.client.get("/")).text), "", "past its first days, nobody sees the block");
  await dismissed.client.get("/");
  const a = await statementsFor(app, dismissed.client, "/");
  const b = await statementsFor(app, old.client, "/");
  t.is(a.length, b.length, `${a.join("\n")}\n---\n${b.join("\n")}`);
  t.deepEqual([...a, ...b].filter((statement) => /first_day|c\.author_id = |is_default|closeness/.test(statement)), []);
  t.is(await closedAt(old.userId), null, "nothing written for them either");
});

test.serial("a newcomer's block costs the same statements with 2 groups and colleagues to offer as with many", async (t) => {
  const newcomer = await app.signedIn("member");
  await UserProfile.upsert({ userId: newcomer.userId, department: "Counting", managerId: null, jobTitle: null, location: null, phone: null, bio: null });
  await person("Counter one", { department: "Counting" });
  await newcomer.client.get("/");
  const few = await statementsFor(app, newcomer.client, "/");
  const owner = await app.signedIn("member");
  for (let index = 0; index < 8; index += 1) {
    await person(`Counter ${index + 2}`, { department: "Counting" });
    await createGroup(owner.client, { name: `Counting ${index}`, visibility: "open" });
  }
  // New accounts move the render epoch: the entries are rendered again once, not a first-day matter.
  await newcomer.client.get("/");
  const many = await statementsFor(app, newcomer.client, "/");
  t.is(many.length, few.length, many.join("\n"));
  t.is(section(block((await newcomer.client.get("/")).text), "Colleagues to follow").split("data-suggested-person").length - 1, 6);
});

test.serial("a guest gets the checklist but no group they cannot join and nobody to follow", async (t) => {
  const owner = await app.signedIn("member");
  await createGroup(owner.client, { name: "Guests cannot join", visibility: "open" });
  const guest = await app.signedIn("guest");
  await UserProfile.upsert({ userId: guest.userId, department: "Logistics a", managerId: null, jobTitle: null, location: null, phone: null, bio: null });
  const first = block((await guest.client.get("/")).text);
  t.regex(first, /data-step="post"/);
  t.notRegex(first, /data-step="group"/);
  t.false(first.includes("Groups to join") || first.includes("/join"));
  t.false(first.includes("Colleagues to follow") || first.includes("/follow"));
});

test.serial("the admin's welcome text: too long is a 422 and nothing is saved; members may not change it", async (t) => {
  t.is((await saveSettings({ welcomeText_en: "Welcome aboard", welcomeText_fr: "" })).status, 302);
  const refused = await saveSettings({ welcomeText_en: "x".repeat(5001), welcomeText_fr: "Trop long ailleurs" });
  t.is(refused.status, 422);
  t.regex(refused.text, /aria-invalid="true"/);
  const form = (await admin.get("/admin/settings")).text;
  t.true(form.includes(">Welcome aboard</textarea>"));
  t.false(form.includes("Trop long ailleurs"));
  const member = await app.signedIn("member");
  t.is((await member.client.post("/admin/settings", { siteName: "Taken", registrationMode: "open", defaultLanguage: "en", welcomeText_en: "Mine now" })).status, 403);
  const page = block((await member.client.get("/")).text);
  t.true(page.includes("Welcome aboard") && !page.includes("Mine now"));
  // French readers get the default language's text when theirs is empty.
  await sql("UPDATE users SET language = 'fr' WHERE id = :id", { id: member.userId });
  t.true(block((await member.client.get("/")).text).includes("Welcome aboard"));
  // Both empty: the built-in greeting with the site's name.
  await saveSettings({ welcomeText_en: "", welcomeText_fr: "" });
  t.true(block((await member.client.get("/")).text).includes("Bienvenue sur Agora"));
});
