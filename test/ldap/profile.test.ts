import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { UserProfile } from "../../core/models/profile.ts";
import { User } from "../../core/models/user.ts";
import { directoryEnv, signInFromDirectory, whenDirectoryAnswers } from "./helpers.ts";

// The profile form of a directory account: the fields the directory maps are shown read-only with why,
// and a forged POST cannot change them; the rest stays editable, and local accounts edit everything.

let app: TestApp;

const signIn = (login: string) => signInFromDirectory(app, login);

const profileOf = async (userId: number) => (await UserProfile.findByPk(userId))!;

whenDirectoryAnswers(() => {
  test.before(async () => {
    app = await startApp({ ...directoryEnv(), AGORA_LOGIN_ATTEMPTS_PER_IP: "1000", AGORA_LOGIN_ATTEMPTS_PER_ACCOUNT: "1000" });
  });
  test.after.always(async () => {
    await app?.close();
  });

  test.serial("a directory account sees the mapped fields read-only, with why (en, fr)", async (t) => {
    await signIn("alice");
    const { client } = await signIn("bob");
    const page = (await client.get("/account/profile")).text;
    t.regex(page, /come from your company directory/);
    for (const [field, value] of [["jobTitle", "Developer"], ["department", "Engineering"], ["manager", "alice"]]) {
      t.regex(page, new RegExp(`<input id="f-${field}" value="${value}" readonly aria-describedby="m-${field}">`), field);
      t.notRegex(page, new RegExp(`name="${field}"`), `${field} is not sent by the form`);
    }
    t.regex(page, /<input id="f-phone" value="" readonly/, "phone is mapped even when the entry has none");
    t.is((page.match(/Managed by your company directory/g) ?? []).length, 4);
    for (const field of ["location", "bio", "skills", "languages"]) t.regex(page, new RegExp(`name="${field}"`), `${field} stays editable`);
    t.regex(page, /action="\/account\/profile\/photo\?/, "bob has no directory photo: he may upload his own");
    const french = (await client.get("/account/profile", { "accept-language": "fr" })).text;
    t.regex(french, /Géré par l’annuaire de l’entreprise/);
    t.regex(french, /viennent de l’annuaire de votre entreprise/);
  });

  test.serial("a forged POST cannot change the directory's fields; the others are saved", async (t) => {
    const { client, user } = await signIn("bob");
    const before = await profileOf(user.id);
    const saved = await client.post("/account/profile", { jobTitle: "Chief Executive", department: "Board", phone: "+1 555 0100", manager: "", location: "Lyon", bio: "Hello", skills: "TypeScript", languages: "French" });
    t.is(saved.status, 302, saved.text.slice(0, 300));
    const after = await profileOf(user.id);
    t.like(after.get(), { jobTitle: "Developer", department: "Engineering", phone: null, managerId: before.managerId, location: "Lyon", bio: "Hello" });
    t.not(after.managerId, null);
    // Invalid values in the managed fields are not even looked at: they are not the person's to send.
    t.is((await client.post("/account/profile", { jobTitle: "x".repeat(500), phone: "not a phone", location: "Paris" })).status, 302);
    t.like((await profileOf(user.id)).get(), { jobTitle: "Developer", phone: null, location: "Paris" });
  });

  test.serial("a photo from the directory cannot be replaced or removed by hand", async (t) => {
    const { client, user } = await signIn("alice");
    const photoKey = (await User.findByPk(user.id))!.photoKey;
    t.truthy(photoKey, "jpegPhoto became the profile photo");
    const page = (await client.get("/account/profile")).text;
    t.regex(page, /Your photo comes from your company directory/);
    t.notRegex(page, /action="\/account\/profile\/photo/);
    const removed = await client.post("/account/profile/photo/remove");
    t.is(removed.status, 403);
    t.regex(removed.text, /Your photo comes from your company directory/);
    t.is((await User.findByPk(user.id))!.photoKey, photoKey);
  });

  test.serial("a local account keeps editing every field", async (t) => {
    const { client, userId } = await app.signedIn("member");
    const page = (await client.get("/account/profile")).text;
    t.notRegex(page, /company directory/);
    for (const field of ["jobTitle", "department", "phone", "manager"]) t.regex(page, new RegExp(`name="${field}"`), field);
    t.is((await client.post("/account/profile", { jobTitle: "Chief Executive", department: "Board", phone: "+1 555 0100", manager: "bob" })).status, 302);
    t.like((await profileOf(userId)).get(), { jobTitle: "Chief Executive", department: "Board", phone: "+1 555 0100" });
  });
});
