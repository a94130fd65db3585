import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { User } from "../../core/models/user.ts";
import { directoryEnv, signInFromDirectory, whenDirectoryAnswers } from "./helpers.ts";

// The account page of a directory account: the name (and e-mail) come from the directory, are shown
// read-only with why, and a forged POST cannot change them; the language stays the person's own.

let app: TestApp;

const signIn = (login: string) => signInFromDirectory(app, login);

whenDirectoryAnswers(() => {
  test.before(async () => {
    app = await startApp({ ...directoryEnv(), AGORA_LOGIN_ATTEMPTS_PER_IP: "1000", AGORA_LOGIN_ATTEMPTS_PER_ACCOUNT: "1000" });
  });
  test.after.always(async () => {
    await app?.close();
  });

  test.serial("a directory account sees its name and e-mail read-only, with why (en, fr)", async (t) => {
    const { client, user } = await signIn("bob");
    const page = (await client.get("/account")).text;
    t.regex(page, /come from your company directory/);
    t.regex(page, new RegExp(`<input id="f-displayName" value="${user.displayName}" readonly aria-describedby="m-displayName">`));
    t.regex(page, new RegExp(`<input id="f-email" value="${user.email}" readonly aria-describedby="m-email">`));
    t.notRegex(page, /name="displayName"/, "the form does not send the name");
    t.notRegex(page, /name="email"/);
    t.regex(page, /name="language"/, "the language stays editable");
    t.is((page.match(/Managed by your company directory/g) ?? []).length, 2);
    const french = (await client.get("/account", { "accept-language": "fr" })).text;
    t.regex(french, /Géré par l’annuaire de l’entreprise/);
    t.regex(french, /viennent de l’annuaire de votre entreprise/);
  });

  test.serial("a forged POST cannot change the directory's name or e-mail; the language is saved", async (t) => {
    const { client, user } = await signIn("bob");
    const saved = await client.post("/account", { displayName: "Chief Executive", email: "ceo@example.com", language: "fr" });
    t.is(saved.status, 302, saved.text.slice(0, 300));
    await user.reload();
    t.like(user.get(), { language: "fr" });
    const fresh = (await User.findByPk(user.id))!;
    t.not(fresh.displayName, "Chief Executive");
    t.not(fresh.email, "ceo@example.com");
    // An invalid name is not even looked at: it is not the person's to send.
    t.is((await client.post("/account", { displayName: "x".repeat(500), language: "" })).status, 302);
    await fresh.reload();
    t.not(fresh.displayName, "x".repeat(500));
    t.is(fresh.language, null);
    // The language is still checked.
    const refused = await client.post("/account", { language: "xx-nope" });
    t.is(refused.status, 422);
    t.regex(refused.text, /<input id="f-displayName" value="[^"]+" readonly/);
  });

  test.serial("a local account keeps editing its name", async (t) => {
    const { client, userId } = await app.signedIn("member");
    const page = (await client.get("/account")).text;
    t.notRegex(page, /company directory/);
    t.regex(page, /name="displayName"/);
    t.is((await client.post("/account", { displayName: "Renamed Person", language: "" })).status, 302);
    t.is((await User.findByPk(userId))!.displayName, "Renamed Person");
  });
});
