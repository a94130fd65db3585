import test from "ava";
import { Op } from "sequelize";
import { adminAccount, startApp, type TestApp } from "../helpers/app.ts";
import { User } from "../../core/models/user.ts";
import { UserProfile } from "../../core/models/profile.ts";
import { Session } from "../../core/models/session.ts";
import { DirectoryAccount } from "../../core/auth/ldap/directory-account.ts";
import { normalizeDn } from "../../core/auth/ldap/dn.ts";
import type { LdapMembershipsPayload } from "../../core/auth/ldap/hooks.ts";
import { directoryEnv, fixture, storeSettings, whenDirectoryAnswers } from "./helpers.ts";

// Sign-in with directory accounts against the real test slapd: provisioning, mapping, refusals.

let app: TestApp;
const heard: { userId: number; groupDns: string[]; via: string }[] = [];

async function signIn(login: string, password: string) {
  const client = app.client();
  await client.get("/login");
  const response = await client.post("/login", { login, password });
  return { client, response };
}

const accountOf = async (uid: string) => {
  const account = await DirectoryAccount.findOne({ where: { dnKey: normalizeDn(`uid=${uid},${fixture.peopleDn}`) } });
  return account ? { account, user: (await User.findByPk(account.userId))! } : null;
};

whenDirectoryAnswers(() => {
  test.before(async () => {
    app = await startApp({ ...directoryEnv(), AGORA_LOGIN_ATTEMPTS_PER_IP: "1000", AGORA_LOGIN_ATTEMPTS_PER_ACCOUNT: "1000" });
    await storeSettings(app, { groupBaseDn: fixture.groupsDn, adminGroupDn: `cn=agora-admins,${fixture.groupsDn}`, disabledFilter: "(employeeType=disabled)", disabledGroupDn: `cn=disabled-accounts,${fixture.groupsDn}` });
    // Stands in for the groups module: core announces memberships, a module maps them.
    await app.app.registry.enable("fixture-rooms");
    app.app.registry.hooks.on("fixture-rooms", "ldap.memberships", ({ user, groupDns, via }: LdapMembershipsPayload) => void heard.push({ userId: user.id, groupDns, via }));
  });
  test.after.always(async () => {
    await app?.close();
  });

  test.serial("a directory user signs in on /login and gets an account with the mapped attributes", async (t) => {
    const { client, response } = await signIn("bob", fixture.passwordOf("bob"));
    t.is(response.status, 302, response.text.slice(0, 300));
    const home = await client.get("/");
    t.is(home.status, 200);
    t.regex(home.text, /Bob Stone/);
    const bob = (await accountOf("bob"))!;
    t.is(bob.user.email, "bob@agora.test");
    t.is(bob.user.username, "bob");
    t.is(bob.user.authSource, "ldap");
    t.is(bob.user.passwordHash, null, "no local password is kept");
    t.is(bob.user.role, "member");
    t.regex(bob.account.externalId, /^[0-9a-f-]{36}$/, "linked by entryUUID");
    const profile = await UserProfile.findByPk(bob.user.id);
    t.is(profile?.jobTitle, "Developer");
    t.is(profile?.department, "Engineering");
    t.is(profile?.managerId, null, "alice has no account yet");
  });

  test.serial("an admin through a nested group: alice ∈ platform-team ∈ agora-admins; photo and manager mapped", async (t) => {
    const { response } = await signIn("alice", fixture.passwordOf("alice"));
    t.is(response.status, 302);
    const alice = (await accountOf("alice"))!;
    t.is(alice.user.role, "admin");
    t.true(alice.account.isAdminByDirectory);
    const profile = await UserProfile.findByPk(alice.user.id);
    t.is(profile?.phone, "+33 1 23 45 67 89");
    t.regex((await User.findByPk(alice.user.id))?.photoKey ?? "", /^[a-f0-9]{32}$/, "jpegPhoto became the profile photo");
    const memberships = heard.filter((event) => event.userId === alice.user.id).at(-1)!;
    t.is(memberships.via, "login");
    for (const group of ["engineering", "staff", "platform-team", "agora-admins"]) t.true(memberships.groupDns.includes(`cn=${group},${fixture.groupsDn}`), group);

    // Bob signs in again: his manager now has an account; the cycle a ∈ b ∈ a ends.
    await signIn("bob", fixture.passwordOf("bob"));
    const bob = (await accountOf("bob"))!;
    t.is((await UserProfile.findByPk(bob.user.id))?.managerId, alice.user.id);
    const bobGroups = heard.filter((event) => event.userId === bob.user.id).at(-1)!.groupDns;
    t.deepEqual(bobGroups.filter((dn) => dn.startsWith("cn=cycle")), [`cn=cycle-a,${fixture.groupsDn}`, `cn=cycle-b,${fixture.groupsDn}`]);
    t.is(bob.user.role, "member");
  });

  test.serial("a wrong password, an unknown login and an empty password are refused alike, and counted", async (t) => {
    for (const [login, password] of [["bob", "not-his-password"], ["nobody-here", "whatever-1"], ["bob", ""]]) {
      const { response } = await signIn(login, password);
      t.is(response.status, 401, `${login}/${password}`);
      t.regex(response.text, /The e-mail, username or password is not right/);
    }
  });

  test.serial("filter injection: *, )(, \\ and NUL match themselves and sign nobody in", async (t) => {
    const before = await User.count();
    for (const login of ["*", "bob)(uid=*", "*)(|(uid=*", "bo*", "bob\\", "bob\u0000", "*)(objectClass=*))(&(uid=*"]) {
      const { response } = await signIn(login, fixture.passwordOf("bob"));
      t.is(response.status, 401, JSON.stringify(login));
    }
    t.is(await User.count(), before, "no account was created");
  });

  test.serial("logins holding *, (, ), \\ and DOMAIN\\user sign in as their own entry, escaped exactly once", async (t) => {
    const logins: [string, string][] = [["eve*star", "eve.star@agora.test"], ["paul(it)", "paul.paren@agora.test"], ["odd\\name", "olga.odd@agora.test"], ["ACME\\dora", "dora@agora.test"], ["max*)(uid=\\", "max.mixed@agora.test"]];
    for (const [login, email] of logins) {
      const { client, response } = await signIn(login, fixture.passwordOf(login));
      t.is(response.status, 302, `${login}: ${response.text.slice(0, 200)}`);
      const user = await User.findOne({ where: { email } });
      t.truthy(user, `${login} got an account`);
      t.is(user?.authSource, "ldap");
      t.regex((await client.get("/")).text, new RegExp(user!.displayName), `${login} is signed in as themself`);
    }
    // The entry whose DN holds the backslash too: bound and linked by that DN, the backslash neither lost nor doubled.
    const olga = (await User.findOne({ where: { email: "olga.odd@agora.test" } }))!;
    t.is((await DirectoryAccount.findByPk(olga.id))?.dn, `uid=odd\\\\name,${fixture.peopleDn}`);
    // Groups are found by member DN and by memberUid through the same escaping.
    const groupsOf = async (email: string) => {
      const user = (await User.findOne({ where: { email } }))!;
      return heard.filter((event) => event.userId === user.id).at(-1)?.groupDns.map((dn) => dn.split(",")[0]);
    };
    t.deepEqual(await groupsOf("olga.odd@agora.test"), ["cn=backslash-team"]);
    t.deepEqual(await groupsOf("dora@agora.test"), ["cn=backslash-team", "cn=windows-users"]);
    t.deepEqual(await groupsOf("max.mixed@agora.test"), ["cn=windows-users"]);
    t.deepEqual(await groupsOf("eve.star@agora.test"), [], "a * in a login matches no other member");
  });

  test.serial("a wildcard or an escape typed as a login matches only itself: nobody else is signed in", async (t) => {
    const before = await User.count();
    const signedInBefore = await Session.count({ where: { userId: { [Op.ne]: null } } });
    const tries: [string, string][] = [["alic*", "alice"], ["*lice", "alice"], ["a*e", "alice"], ["eve*", "eve*star"], ["*", "eve*star"], ["eve\\2astar", "eve*star"], ["ACME\\5cdora", "ACME\\dora"], ["paul\\28it\\29", "paul(it)"], ["ACME*", "ACME\\dora"]];
    for (const [login, owner] of tries) {
      const { response } = await signIn(login, fixture.passwordOf(owner));
      t.is(response.status, 401, `${login} with ${owner}'s password`);
      t.regex(response.text, /The e-mail, username or password is not right/);
    }
    t.is(await User.count(), before, "no account was created");
    t.is(await Session.count({ where: { userId: { [Op.ne]: null } } }), signedInBefore, "nobody was signed in");
  });

  test.serial("edge cases of a real directory sign in: accents, CJK, commas and plus signs in DNs, long values", async (t) => {
    for (const uid of ["jose", "lilei", "dmitry", "jsmith", "zplus", "anabea", "longvalues"]) {
      const { response } = await signIn(uid, fixture.passwordOf(uid));
      t.is(response.status, 302, uid);
    }
    const byEmail = (email: string) => User.findOne({ where: { email } });
    t.is((await byEmail("jose@agora.test"))?.displayName, "José Núñez");
    t.is((await byEmail("jose@agora.test"))?.username, "jose");
    t.is((await byEmail("lilei@agora.test"))?.displayName, "李雷");
    t.is((await byEmail("dmitry@agora.test"))?.displayName, "Дмитрий Иванов");
    const smith = (await byEmail("john.smith@agora.test"))!;
    t.is(smith.displayName, "Smith, John");
    t.is((await DirectoryAccount.findByPk(smith.id))?.dn, `cn=Smith\\, John,${fixture.peopleDn}`);
    const plus = (await byEmail("zoe.plus@agora.test"))!;
    t.is((await DirectoryAccount.findByPk(plus.id))?.dn, `cn=Zoë Plus+uid=zplus,${fixture.peopleDn}`);
    t.is((await DirectoryAccount.findByPk((await byEmail("ana.bea@agora.test"))!.id))?.dn, `cn=Ana\\+Bea,${fixture.peopleDn}`);
    const long = (await User.findOne({ where: { username: "longvalues" } }))!;
    t.is([...long.displayName].length, 100, "cut to the column");
    t.regex(long.email, /@directory\.invalid$/, "an e-mail over 254 characters is no address");
    t.is((await UserProfile.findByPk(long.id))?.jobTitle?.length, 100);
    t.is((await UserProfile.findByPk(long.id))?.phone?.length, 40);
  });

  test.serial("missing and duplicate e-mails: placeholder addresses, both people can sign in", async (t) => {
    for (const uid of ["nomail", "dup1", "dup2"]) t.is((await signIn(uid, fixture.passwordOf(uid))).response.status, 302, uid);
    t.is((await User.findOne({ where: { username: "nomail" } }))?.email, "nomail@directory.invalid");
    t.is((await User.findOne({ where: { username: "dup1" } }))?.email, "dup@agora.test");
    t.is((await User.findOne({ where: { username: "dup2" } }))?.email, "dup2@directory.invalid", "the second holder of dup@ waits for it");
  });

  test.serial("the disabled rule refuses sign-in: by attribute and by group", async (t) => {
    for (const uid of ["retired", "suspended"]) {
      const { response } = await signIn(uid, fixture.passwordOf(uid));
      t.is(response.status, 403, uid);
      t.regex(response.text, /This account has been disabled/);
      t.is(await User.count({ where: { username: uid } }), 0, "no account for a disabled entry");
    }
    // The right password is needed before "disabled" is said.
    t.is((await signIn("retired", "wrong-password")).response.status, 401);
  });

  test.serial("an account an admin disabled stays off; sign-in does not end that", async (t) => {
    const bob = (await accountOf("bob"))!;
    await bob.user.update({ status: "disabled" });
    t.is((await signIn("bob", fixture.passwordOf("bob"))).response.status, 403);
    await bob.user.update({ status: "active" });
    t.is((await signIn("bob", fixture.passwordOf("bob"))).response.status, 302);
  });

  test.serial("the local admin signs in beside the directory, and a directory user gets no local password reset", async (t) => {
    const { response } = await signIn(adminAccount.email, adminAccount.password);
    t.is(response.status, 302);
    const forgot = await app.client().get("/password/forgot");
    t.regex(forgot.text, /your password is managed there/);
    const client = app.client();
    await client.get("/password/forgot");
    await client.post("/password/forgot", { email: "bob@agora.test" });
    const bob = (await accountOf("bob"))!;
    const { PasswordReset } = await import("../../core/models/password-reset.ts");
    t.is(await PasswordReset.count({ where: { userId: bob.user.id } }), 0);
  });

  test.serial("with local sign-in for admins only, a local member is refused and the local admin is not", async (t) => {
    const { account } = await app.createUser({ email: "local.member@example.test" });
    t.is((await signIn(account.email, account.password)).response.status, 302);
    await storeSettings(app, { isLocalLoginAdminsOnly: true });
    try {
      t.is((await signIn(account.email, account.password)).response.status, 401);
      t.is((await signIn(adminAccount.email, adminAccount.password)).response.status, 302);
      t.is((await signIn("bob", fixture.passwordOf("bob"))).response.status, 302);
    } finally {
      await storeSettings(app, { isLocalLoginAdminsOnly: false });
    }
  });

  test.serial("leaving the admin group takes back the directory's admin role, not one given by hand", async (t) => {
    const bob = (await accountOf("bob"))!;
    await bob.user.update({ role: "admin" });
    await signIn("bob", fixture.passwordOf("bob"));
    t.is((await User.findByPk(bob.user.id))?.role, "admin", "a manual admin is kept");
    // The admin group is now one alice is not in: her directory-given role goes, and her sessions stay.
    await storeSettings(app, { adminGroupDn: `cn=engineering,${fixture.groupsDn}`, groupBaseDn: fixture.groupsDn });
    const jose = await signIn("jose", fixture.passwordOf("jose"));
    t.is(jose.response.status, 302);
    const { response } = await signIn("alice", fixture.passwordOf("alice"));
    t.is(response.status, 302);
    t.is((await accountOf("alice"))!.user.role, "admin", "alice is in engineering too");
    await storeSettings(app, { adminGroupDn: `cn=staff,${fixture.groupsDn}` });
    await signIn("bob", fixture.passwordOf("bob"));
    t.is((await User.findByPk(bob.user.id))?.role, "admin", "bob's role was given by hand: kept");
    await storeSettings(app, { adminGroupDn: `cn=cycle-a,${fixture.groupsDn}` });
    await signIn("alice", fixture.passwordOf("alice"));
    t.is((await accountOf("alice"))!.user.role, "member", "alice left the admin group");
    t.true((await Session.count({ where: { userId: (await accountOf("alice"))!.user.id } })) > 0);
  });
});
