import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { User } from "../../core/models/user.ts";

let app: TestApp;
let targetId: number;
test.before(async () => {
  app = await startApp();
  targetId = (await app.createUser({ status: "pending" })).userId;
});
test.after.always(() => app?.close());

const pages = ["/admin", "/admin/users", "/admin/users?q=a&status=active", "/admin/users/1", "/admin/invitations", "/admin/modules", "/admin/settings"];
const actions: [string, Record<string, string>][] = [
  ["approve", {}],
  ["disable", {}],
  ["enable", {}],
  ["role", { role: "admin" }],
];

for (const role of ["member", "guest"] as const) {
  test.serial(`a ${role} gets 403 on every admin page and action, and changes nothing`, async (t) => {
    const { client, userId } = await app.signedIn(role);
    for (const page of pages) t.is((await client.get(page)).status, 403, `GET ${page}`);
    for (const [action, fields] of actions) {
      const response = await client.post(`/admin/users/${targetId}/${action}`, fields);
      t.is(response.status, 403, `POST ${action}`);
    }
    t.is((await client.post(`/admin/users/${userId}/role`, { role: "admin" })).status, 403, "cannot promote themselves");
    const settings = await client.post("/admin/settings", { siteName: "Taken over", registrationMode: "open", defaultLanguage: "en" });
    t.is(settings.status, 403);
    t.is((await User.findByPk(targetId))!.status, "pending");
    t.is((await User.findByPk(userId))!.role, role);
    t.not((await app.app.settings.get()).siteName, "Taken over");
  });
}

test.serial("an anonymous visitor is sent to the login page and changes nothing", async (t) => {
  const client = app.client();
  for (const page of pages) {
    const response = await client.get(page);
    t.is(response.status, 302, page);
    t.is(response.location, `/login?next=${encodeURIComponent(page)}`);
  }
  const approve = await client.post(`/admin/users/${targetId}/approve`);
  t.is(approve.status, 302);
  t.regex(approve.location, /^\/login/);
  t.is((await User.findByPk(targetId))!.status, "pending");
});

test.serial("an admin reaches every page of the console", async (t) => {
  const { client } = await app.signedIn("admin");
  for (const page of ["/admin", "/admin/users", `/admin/users/${targetId}`, "/admin/settings"]) t.is((await client.get(page)).status, 200, page);
});
