import test from "ava";
import { startApp, adminAccount, type TestApp } from "../helpers/app.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp({ AGORA_BASE_URL: "https://agora.example.test", AGORA_TRUST_PROXY: "1" });
});
test.after.always(() => app?.close());

test("behind an HTTPS proxy the session cookie is Secure, HttpOnly and SameSite=Lax", async (t) => {
  const client = app.client();
  const headers = { "x-forwarded-proto": "https" };
  await client.get("/login", headers);
  const response = await client.post("/login", { login: adminAccount.email, password: adminAccount.password }, { headers });
  t.is(response.status, 302);
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith("agora.sid="));
  t.truthy(cookie);
  t.regex(cookie!, /;\s*secure/i);
  t.regex(cookie!, /;\s*httponly/i);
  t.regex(cookie!, /;\s*samesite=lax/i);
});
