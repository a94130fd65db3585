import test from "ava";
import { User } from "../../core/models/index.ts";
import { pickLanguage } from "../../core/views/i18n.ts";
import { createTemplateEnvironment } from "../../core/views/environment.ts";
import { themeChain } from "../../core/views/themes.ts";
import { startApp, type TestApp } from "../helpers/app.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

const htmlLang = (text: string) => /<html lang="([^"]+)"/.exec(text)?.[1];

test.serial("English by default, French for Accept-Language fr", async (t) => {
  const client = app.client();
  const english = await client.get("/login");
  t.is(htmlLang(english.text), "en");
  t.regex(english.text, /<h1>Sign in<\/h1>/);
  t.is(english.headers.get("content-language"), "en");

  const french = await client.get("/login", { "accept-language": "fr" });
  t.is(french.status, 200);
  t.is(htmlLang(french.text), "fr");
  t.is(french.headers.get("content-language"), "fr");
  t.regex(french.text, /<h1>Connexion<\/h1>/);
  t.regex(french.text, /Mot de passe oublié/);
  t.notRegex(french.text, /Sign in|Forgot your password/, "no English left on the French page");

  const regional = await client.get("/login", { "accept-language": "fr-CA" });
  t.is(htmlLang(regional.text), "fr", "a regional variant picks its language");
});

test.serial("Accept-Language q-values are respected", async (t) => {
  const client = app.client();
  const cases: [string, string][] = [
    ["de, fr;q=0.8, en;q=0.5", "fr"],
    ["en;q=0.4, fr;q=0.9", "fr"],
    ["fr;q=0.3, en-GB;q=0.7", "en"],
    ["fr;q=0, en;q=0.1", "en"],
    ["de, es", "en"],
    ["*", "en"],
  ];
  for (const [header, expected] of cases) {
    const page = await client.get("/login", { "accept-language": header });
    t.is(htmlLang(page.text), expected, header);
  }
});

test.serial("a user's own language wins over the browser's", async (t) => {
  const { client, userId } = await app.signedIn("member", { displayName: "Camille Martin" });
  const before = await client.get("/", { "accept-language": "en" });
  t.regex(before.text, /Welcome, Camille Martin/);

  await User.update({ language: "fr" }, { where: { id: userId } });
  const french = await client.get("/", { "accept-language": "en-US,en;q=0.9" });
  t.is(htmlLang(french.text), "fr");
  t.regex(french.text, /Bienvenue, Camille Martin/);
  t.regex(french.text, /Se déconnecter|Déconnexion/, "the layout is French too");

  await User.update({ language: "en" }, { where: { id: userId } });
  const english = await client.get("/", { "accept-language": "fr" });
  t.is(htmlLang(english.text), "en");

  await User.update({ language: null }, { where: { id: userId } });
  const fromHeader = await client.get("/", { "accept-language": "fr" });
  t.is(htmlLang(fromHeader.text), "fr", "no setting: the header decides");

  const json = await client.get("/no-such-page", { accept: "application/json", "accept-language": "fr" });
  t.is(json.status, 404);
  t.is((JSON.parse(json.text) as { error: { message: string } }).error.message, "Cette page n'existe pas ou ne vous est pas visible.");
});

test.serial("the instance default applies when the browser asks for nothing supported", async (t) => {
  await app.app.settings.set({ defaultLanguage: "fr" });
  try {
    const client = app.client();
    t.is(htmlLang((await client.get("/login", { "accept-language": "de-DE, es;q=0.5" })).text), "fr");
    t.is(htmlLang((await client.get("/login", { "accept-language": "" })).text), "fr");
    t.is(htmlLang((await client.get("/login", { "accept-language": "en" })).text), "en", "a supported header still wins");
    const missing = await client.get("/nope", { "accept-language": "de" });
    t.is(missing.status, 404);
    t.regex(missing.text, /Erreur 404/);
  } finally {
    await app.app.settings.set({ defaultLanguage: "en" });
  }
});

test("pickLanguage: setting, then header by q-value, then default", (t) => {
  t.is(pickLanguage("fr", "en", "en"), "fr");
  t.is(pickLanguage("xx", "fr", "en"), "fr", "an unsupported stored setting is ignored");
  t.is(pickLanguage(null, "de, fr;q=0.8, en;q=0.5", "en"), "fr");
  t.is(pickLanguage(null, "EN-us;q=0.2, FR;q=0.1", "fr"), "en");
  t.is(pickLanguage(null, "fr;q=abc, en;q=0.5", "en"), "en");
  t.is(pickLanguage(null, ",,;q=1,", "fr"), "fr");
  t.is(pickLanguage(undefined, "", "fr"), "fr");
});

test("dates and numbers are formatted per locale by the template filters", (t) => {
  const environment = createTemplateEnvironment(themeChain("default", ["themes"]), [], false);
  // Noon UTC is the same calendar day in every time zone the tests may run in.
  const when = new Date("2026-03-05T12:00:00Z");
  const render = (source: string, context: Record<string, unknown>) => environment.renderString(source, context);

  const englishDate = render("{{ when | date('en', 'long') }}", { when });
  const frenchDate = render("{{ when | date('fr', 'long') }}", { when });
  t.is(englishDate, "5 March 2026");
  t.is(frenchDate, "5 mars 2026");
  // Unambiguous: day before month, month in letters, 24-hour clock, never "3/5/26, 12:00 PM".
  t.regex(render("{{ when | date('en') }}", { when }), /^5 Mar 2026, \d{2}:\d{2}$/);
  t.regex(render("{{ when | date('en', 'short') }}", { when }), /^5 Mar 2026, \d{2}:\d{2}$/);
  t.regex(render("{{ when | date('fr') }}", { when }), /^5 mars 2026(,| à) \d{2}:\d{2}$/);
  t.regex(render("{{ when | date('fr', 'short') }}", { when: when.toISOString() }), /^5 mars 2026(,| à) \d{2}:\d{2}$/, "ISO strings too");
  t.is(render("{{ nothing | date('fr') }}", {}), "");
  t.is(render("{{ bad | date('fr') }}", { bad: "not a date" }), "", "an invalid date renders nothing instead of failing the page");

  t.is(render("{{ n | number('en') }}", { n: 1234567.5 }), "1,234,567.5");
  t.is(render("{{ n | number('fr') }}", { n: 1234567.5 }).replace(/\s/g, " "), "1 234 567,5");
  t.is(render("{{ n | number('fr') }}", { n: "12" }), "12");
  t.is(render("{{ n | number('fr') }}", {}), "", "a missing number renders nothing, not NaN");
});

test("recent items read as relative times, with the exact date in datetime and title", (t) => {
  const environment = createTemplateEnvironment(themeChain("default", ["themes"]), [], false);
  const render = (source: string, context: Record<string, unknown>) => environment.renderString(source, context);
  const fiveMinutesAgo = new Date(Date.now() - 5 * 60_000);
  const english = render("{{ when | when('en') }}", { when: fiveMinutesAgo });
  t.regex(english, new RegExp(`^<time datetime="${fiveMinutesAgo.toISOString()}" title="\\d{1,2} [A-Z][a-z]{2} \\d{4}, \\d{2}:\\d{2}" data-relative>5 min ago</time>$`));
  t.regex(render("{{ when | when('fr') }}", { when: fiveMinutesAgo }), />il\sy\sa\s5\smin</);
  t.regex(render("{{ when | when('en') }}", { when: new Date(Date.now() - 3 * 3_600_000) }), />3 hr ago</);
  const old = new Date("2026-03-05T12:00:00Z");
  t.regex(render("{{ when | when('en') }}", { when: old }), />5 Mar 2026, \d{2}:\d{2}<\/time>$/, "older than a week: the date itself");
  t.is(render("{{ when | when('en') }}", { when: "nonsense" }), "");
  // In cached HTML (stream entries) the exact date, which never goes stale; the page's script makes it relative.
  t.regex(render("{{ when | stamp('en') }}", { when: fiveMinutesAgo }), /^<time datetime="[^"]+" title="([^"]+)" data-relative>\1<\/time>$/);
});
