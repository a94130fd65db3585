import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { User } from "../../core/models/user.ts";
import { createGroup } from "../../modules/groups/test/helpers.ts";
import { directoryEnv, fixture, storeSettings, whenDirectoryAnswers } from "./helpers.ts";

// The groups module's directory mapping against the real test slapd: a directory sign-in on /login
// lands the person in the mapped Agora groups, nested directory groups included.

let app: TestApp;

async function signIn(login: string) {
  const client = app.client();
  await client.get("/login");
  return { client, response: await client.post("/login", { login, password: fixture.passwordOf(login) }) };
}

whenDirectoryAnswers(() => {
  test.before(async () => {
    app = await startApp({ ...directoryEnv(), AGORA_LOGIN_ATTEMPTS_PER_IP: "1000", AGORA_LOGIN_ATTEMPTS_PER_ACCOUNT: "1000" });
    await storeSettings(app, { groupBaseDn: fixture.groupsDn });
  });
  test.after.always(async () => {
    await app?.close();
  });

  test.serial("signing in with the directory applies the mappings, nested groups included", async (t) => {
    const owner = await app.signedIn("member");
    const engineering = await createGroup(owner.client, { name: "Engineering", visibility: "secret" });
    const admins = await createGroup(owner.client, { name: "Agora admins", visibility: "private" });
    const admin = await app.signedIn("admin");
    // Typed as an admin would copy it from a directory browser: upper case and spaces.
    for (const [groupDn, group, role] of [
      [`CN=Engineering, ${fixture.groupsDn.toUpperCase()}`, engineering.slug, "member"],
      [`cn=agora-admins,${fixture.groupsDn}`, admins.slug, "admin"],
    ]) {
      t.is((await admin.client.post("/admin/groups/directory", { groupDn, group, role })).status, 302);
    }

    const alice = await signIn("alice");
    t.is(alice.response.status, 302, alice.response.text.slice(0, 300));
    const aliceId = (await User.findOne({ where: { username: "alice" } }))!.id;
    const { GroupMembership } = await import("../../modules/groups/models/membership.ts");
    const mine = async (userId: number) =>
      Object.fromEntries((await GroupMembership.findAll({ where: { userId, source: "directory" } })).map((m) => [m.groupId, m.role]));
    t.deepEqual(await mine(aliceId), { [engineering.id]: "member", [admins.id]: "admin" }, "agora-admins through platform-team");
    t.is((await alice.client.get(engineering.url)).status, 200, "a secret group is open to its mapped members");
    t.regex((await alice.client.get(`${admins.url}/members`)).text, /from the directory/);

    const bob = await signIn("bob");
    t.is(bob.response.status, 302);
    const bobId = (await User.findOne({ where: { username: "bob" } }))!.id;
    t.deepEqual(await mine(bobId), { [engineering.id]: "member" });
    t.is((await bob.client.post(`${engineering.url}/leave`)).status, 409, "a mapped membership cannot be left by hand");

    await signIn("alice");
    t.is(await GroupMembership.count({ where: { userId: aliceId } }), 2, "a second sign-in changes nothing");
  });
});
