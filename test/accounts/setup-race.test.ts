import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { User } from "../../core/models/user.ts";
import { Setting } from "../../core/models/setting.ts";

// Setup makes one administrator, even when several people (or processes) complete it at the same moment.
let app: TestApp;
test.before(async () => {
  app = await startApp({}, { setup: false });
});
test.after.always(() => app?.close());

test.serial("three setups submitted at once make one administrator", async (t) => {
  const clients = [app.client(), app.client(), app.client()];
  for (const client of clients) await client.get("/setup");
  const setup = (name: string) => ({ siteName: `Site ${name}`, displayName: name, email: `${name.toLowerCase()}@example.test`, password: "a-long-password", passwordConfirm: "a-long-password", language: "en" });
  const responses = await Promise.all(["Ann", "Bob", "Cid"].map((name, index) => clients[index].post("/setup", setup(name))));
  t.true(responses.every((response) => response.status === 302), responses.map((response) => response.status).join());
  const admins = await User.findAll({ where: { role: "admin" } });
  t.is(admins.length, 1, "exactly one administrator");
  t.is(await User.count(), 1, "and no other account");
  const winner = responses.findIndex((response) => response.location === "/");
  t.not(winner, -1, "one of them was signed in as the new administrator");
  t.is(admins[0].displayName, ["Ann", "Bob", "Cid"][winner]);
  t.is(responses.filter((response) => response.location === "/login").length, 2, "the others are sent to sign in");
  t.is((await Setting.findByPk("isSetupComplete"))?.value, "true");
  t.is((await Setting.findByPk("siteName"))?.value, JSON.stringify(`Site ${admins[0].displayName}`), "the site is named by the setup that won");
});
