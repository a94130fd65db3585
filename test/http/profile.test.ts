import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";

let app: TestApp;
test.before(async () => {
  app = await startApp();
});
test.after.always(() => app?.close());

test.serial("a member sees a colleague's profile; disabled accounts and bad names are 404; visitors must sign in", async (t) => {
  const { client } = await app.signedIn("member");
  const { account } = await app.createUser({ displayName: "Élodie <b>Martin</b>" });
  const { User } = await import("../../core/models/user.ts");
  const colleague = (await User.findOne({ where: { email: account.email } }))!;

  const page = await client.get(`/u/${colleague.username}`);
  t.is(page.status, 200);
  t.true(page.text.includes("Élodie &lt;b&gt;Martin&lt;/b&gt;"), "names are escaped");
  t.false(page.text.includes("<b>Martin</b>"));

  const french = await client.get(`/u/${colleague.username}`, { "accept-language": "fr" });
  t.regex(french.text, /Membre depuis le/);

  t.is((await client.get("/u/nobody-here")).status, 404);
  t.is((await client.get("/u/..%2f..%2fetc")).status, 404);
  await colleague.update({ status: "disabled" });
  t.is((await client.get(`/u/${colleague.username}`)).status, 404);

  const visitor = app.client();
  const anonymous = await visitor.get(`/u/${colleague.username}`);
  t.is(anonymous.status, 302);
  t.regex(anonymous.location, /^\/login\?next=/);
});
