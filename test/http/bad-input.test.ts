import net from "node:net";
import test, { type ExecutionContext } from "ava";
import { maxFormFields, parseForm } from "../../core/http/body.ts";
import { AuditEntry, Session, Setting, User } from "../../core/models/index.ts";
import { adminAccount, startApp, type TestApp } from "../helpers/app.ts";

const bodyLimitKb = 16;
let app: TestApp;

test.before(async () => {
  app = await startApp({ AGORA_BODY_LIMIT_KB: String(bodyLimitKb) }, { setup: false });
});
test.after.always(() => app?.close());

/** What must never reach a user: stack lines, raw error names, source paths, internal messages. */
function assertNothingInternal(t: ExecutionContext, text: string) {
  t.notRegex(text, /^\s*at .+\(.+:\d+:\d+\)/m, "no stack trace line");
  t.notRegex(text, /\bat (async )?[\w.<>]+ \(/, "no stack frame");
  t.notRegex(text, /\b\w*Error:/, "no error class name");
  t.notRegex(text, /node_modules|\.ts:\d+|\/core\/|\/work\//, "no source paths");
  t.notRegex(text, /internal detail|leaky internal|hunter2|SQLITE|sequelize/i, "no internal message");
}

async function counts() {
  return { users: await User.count(), sessions: await Session.count(), audit: await AuditEntry.count(), settings: await Setting.count() };
}

/** Sends bytes exactly as given (fetch would re-encode a raw byte in the path), and reads the whole answer. */
function rawRequest(request: Buffer): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}

function formBody(fields: Record<string, string>) {
  return new URLSearchParams(fields).toString();
}

const validSetup = { siteName: "Bad Input Inc", displayName: "Root Admin", email: adminAccount.email, password: adminAccount.password, passwordConfirm: adminAccount.password, language: "en" };

test.serial("bad bodies on /setup of a fresh install are refused with a 4xx and create nothing", async (t) => {
  const client = app.client();
  t.is((await client.get("/setup")).status, 200);
  const before = await counts();
  const token = client.csrfToken;
  const form = { "content-type": "application/x-www-form-urlencoded" };

  const oversized = await client.request("POST", "/setup", { body: formBody({ ...validSetup, _csrf: token, padding: "x".repeat(bodyLimitKb * 1024 + 10) }), headers: form });
  t.is(oversized.status, 413);
  t.regex(oversized.headers.get("content-type") ?? "", /text\/html/);
  t.regex(oversized.text, /larger than the allowed size/);
  assertNothingInternal(t, oversized.text);

  const rawByte = await client.request("POST", "/setup", { body: Buffer.concat([Buffer.from(`${formBody({ ...validSetup, _csrf: token })}&siteName=`), Buffer.from([0xff, 0xfe])]), headers: form });
  t.is(rawByte.status, 400);
  t.regex(rawByte.text, /not valid UTF-8/);

  const percentByte = await client.request("POST", "/setup", { body: `${formBody({ ...validSetup, _csrf: token })}&displayName=Ren%E9`, headers: form });
  t.is(percentByte.status, 400);
  const brokenEscape = await client.request("POST", "/setup", { body: `${formBody({ ...validSetup, _csrf: token })}&x=%zz`, headers: form });
  t.is(brokenEscape.status, 400);

  const json = { "content-type": "application/json", accept: "application/json", "x-csrf-token": token };
  const malformed = await client.request("POST", "/setup", { body: '{"siteName": "x",', headers: json });
  t.is(malformed.status, 400);
  t.is((JSON.parse(malformed.text) as { error: { status: number } }).error.status, 400);

  const unknownType = await client.request("POST", "/setup", { body: "<setup/>", headers: { "content-type": "application/xml", "x-csrf-token": token } });
  t.is(unknownType.status, 415);
  assertNothingInternal(t, unknownType.text);

  t.deepEqual(await counts(), before, "no user, session, setting or audit row was written");
  t.false((await app.app.settings.get()).isSetupComplete);

  // The same client can still finish setup: the refusals left no half-made state.
  const done = await client.post("/setup", validSetup);
  t.is(done.status, 302);
  t.is(await User.count(), before.users + 1);
});

test.serial("oversized bodies are a 413, as a page for forms and as JSON for JSON clients", async (t) => {
  const client = app.client();
  await client.get("/login");
  const big = "y".repeat(bodyLimitKb * 1024 + 1);
  const form = await client.post("/login", { login: adminAccount.email, password: adminAccount.password, note: big });
  t.is(form.status, 413);
  t.regex(form.text, /<html lang="en">/);
  t.regex(form.text, /larger than the allowed size/);
  t.false(client.hasCookie("agora.sid") && (await client.get("/")).status === 200, "not signed in by an oversized login");
  const french = await client.post("/login", { login: "x", note: big }, { headers: { "accept-language": "fr-FR,fr;q=0.9" } });
  t.is(french.status, 413);
  t.regex(french.text, /<html lang="fr">/, "refused before the language middleware, still in the reader's language");
  t.regex(french.text, /dépasse la taille autorisée/);

  const json = await client.request("POST", "/login", { body: JSON.stringify({ login: adminAccount.email, padding: big }), headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": client.csrfToken } });
  t.is(json.status, 413);
  t.regex(json.headers.get("content-type") ?? "", /application\/json/);
  const answer = JSON.parse(json.text) as { error: { status: number; message: string; requestId: string } };
  t.is(answer.error.status, 413);
  t.is(answer.error.message, "What you sent is larger than the allowed size.");
  t.is(answer.error.requestId, json.headers.get("x-request-id") ?? "");

  // A body sent without Content-Length (chunked) is measured as it arrives.
  const chunked = await fetch(`${app.url}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`login=a&pad=${big}`));
        controller.close();
      },
    }),
    duplex: "half",
  } as RequestInit);
  t.is(chunked.status, 413);
  await chunked.text();
});

test.serial("a body of thousands of tiny fields is refused quickly, not parsed field by field", async (t) => {
  const client = app.client();
  await client.get("/login");
  const many = `_csrf=${encodeURIComponent(client.csrfToken)}&${"a=&".repeat(maxFormFields + 1)}`;
  t.true(many.length < bodyLimitKb * 1024, "under the size limit: only the field count is wrong");
  const started = performance.now();
  const response = await client.request("POST", "/login", { body: many, headers: { "content-type": "application/x-www-form-urlencoded" } });
  t.is(response.status, 413);
  t.true(performance.now() - started < 1000);

  // Repeated keys within the limit still arrive as a list, in linear time.
  const repeated = parseForm("tag=a&tag=b&tag=c&" + "x=1&".repeat(maxFormFields - 4));
  t.deepEqual(repeated.tag, ["a", "b", "c"]);
  t.is((repeated.x as string[]).length, maxFormFields - 4);
  t.is(Object.getPrototypeOf(parseForm("__proto__=1&constructor=2")), null, "no prototype to pollute");
});

test.serial("malformed JSON, bad encodings and unknown content types on /login are 4xx and sign no one in", async (t) => {
  const client = app.client();
  await client.get("/login");
  const before = await counts();
  const headers = { "content-type": "application/json", accept: "application/json", "x-csrf-token": client.csrfToken };
  for (const body of ['{"login":', "[1,2]", "null", '"text"', "{'login': 1}"]) {
    const response = await client.request("POST", "/login", { body, headers });
    t.is(response.status, 400, body);
    const answer = JSON.parse(response.text) as { error: { status: number; message: string } };
    t.is(answer.error.status, 400);
    t.is(answer.error.message, "The request body is not valid JSON.");
    assertNothingInternal(t, response.text);
  }

  const invalidUtf8Json = await client.request("POST", "/login", { body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), headers });
  t.is(invalidUtf8Json.status, 400);

  const form = { "content-type": "application/x-www-form-urlencoded" };
  const fields = `_csrf=${encodeURIComponent(client.csrfToken)}&login=${encodeURIComponent(adminAccount.email)}&password=${encodeURIComponent(adminAccount.password)}`;
  for (const body of [`${fields}&x=%FF`, `${fields}&x=%`, `${fields}&x=%C3`, `${fields}&%FF=1`]) {
    const response = await client.request("POST", "/login", { body, headers: form });
    t.is(response.status, 400, body);
    t.regex(response.text, /<h1>Error 400<\/h1>/);
    assertNothingInternal(t, response.text);
  }

  for (const type of ["text/plain", "application/xml", "application/octet-stream"]) {
    const response = await client.request("POST", "/login", { body: fields, headers: { "content-type": type } });
    t.is(response.status, 415, type);
    t.regex(response.text, /not accepted here/);
  }
  t.deepEqual(await counts(), before, "nothing written");
  t.is((await client.get("/")).status, 302, "still signed out");
});

test.serial("bad escapes in the query string and the path are a 400", async (t) => {
  const client = app.client();
  for (const path of ["/login?next=%FF", "/login?next=%", "/login?a=%E9t%E9", "/%FF", "/login%C3", "/assets/css/%FF.css"]) {
    const response = await client.get(path);
    t.is(response.status, 400, path);
    assertNothingInternal(t, response.text);
  }
  const json = await client.get("/login?next=%FF", { accept: "application/json" });
  t.is(json.status, 400);
  t.is((JSON.parse(json.text) as { error: { status: number } }).error.status, 400);

  // A raw 0xff byte in the request line (not a %-escape) never reaches a route.
  const { port } = new URL(app.url);
  const raw = await rawRequest(Buffer.concat([Buffer.from("GET /login/"), Buffer.from([0xff]), Buffer.from(`?q=`), Buffer.from([0xff]), Buffer.from(` HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)]));
  t.true(raw.status >= 400 && raw.status < 500, `raw byte in the path: ${raw.status}`);
  assertNothingInternal(t, raw.text);
});

test.serial("unknown routes are a themed 404 page, or a JSON error for JSON clients", async (t) => {
  const { client } = await app.signedIn("member");
  const page = await client.get("/no/such/page");
  t.is(page.status, 404);
  t.regex(page.headers.get("content-type") ?? "", /text\/html/);
  t.regex(page.text, /<html lang="en">/);
  t.regex(page.text, /class="topbar"/, "inside the theme layout");
  t.regex(page.text, /does not exist/);

  const anonymous = await app.client().get("/no/such/page");
  t.is(anonymous.status, 404);

  const json = await client.get("/no/such/page", { accept: "application/json" });
  t.is(json.status, 404);
  t.regex(json.headers.get("content-type") ?? "", /application\/json/);
  const answer = JSON.parse(json.text) as { error: { status: number; message: string; requestId: string } };
  t.is(answer.error.status, 404);
  t.is(answer.error.message, "This page does not exist or is not visible to you.");
  t.truthy(answer.error.requestId);
});

test.serial("a wrong method on a known route is a 405 with an Allow header", async (t) => {
  const client = app.client();
  await client.get("/login");
  const csrf = { "x-csrf-token": client.csrfToken };
  const put = await client.request("PUT", "/login", { headers: csrf });
  t.is(put.status, 405);
  t.deepEqual(put.headers.get("allow")?.split(/,\s*/).sort(), ["GET", "HEAD", "POST"]);
  t.regex(put.text, /not available here/);
  assertNothingInternal(t, put.text);

  const deleteSetup = await client.request("DELETE", "/setup", { headers: { ...csrf, accept: "application/json" } });
  t.is(deleteSetup.status, 405);
  t.regex(deleteSetup.headers.get("allow") ?? "", /POST/);
  t.is((JSON.parse(deleteSetup.text) as { error: { status: number } }).error.status, 405);

  const postHealth = await client.request("PATCH", "/logout", { headers: csrf });
  t.is(postHealth.status, 405);
  t.regex(postHealth.headers.get("allow") ?? "", /POST/);

  // Without the CSRF token the request is refused before any route, which is also a 4xx.
  const noToken = await app.client().request("DELETE", "/login");
  t.true([403, 405].includes(noToken.status));
});

test.serial("an unexpected error is a themed 500 page with a reference id and no detail", async (t) => {
  await app.app.registry.enable("fixture-errors");
  try {
    const { client } = await app.signedIn("member");
    const page = await client.get("/fixture-errors/boom");
    t.is(page.status, 500);
    t.regex(page.text, /class="topbar"/, "themed");
    t.regex(page.text, /Something went wrong on our side/);
    const requestId = page.headers.get("x-request-id") ?? "";
    t.truthy(requestId);
    t.true(page.text.includes(`Reference: ${requestId}`), "the reference shown is the logged request id");
    assertNothingInternal(t, page.text);

    const json = await client.get("/fixture-errors/boom", { accept: "application/json" });
    t.is(json.status, 500);
    const answer = JSON.parse(json.text) as { error: { status: number; message: string; requestId: string } };
    t.deepEqual(Object.keys(answer.error).sort(), ["message", "requestId", "status"]);
    t.is(answer.error.requestId, json.headers.get("x-request-id") ?? "");
    assertNothingInternal(t, json.text);

    const french = await client.get("/fixture-errors/boom", { "accept-language": "fr" });
    t.is(french.status, 500);
    t.regex(french.text, /Un problème est survenu de notre côté/);

    const posted = await client.post("/fixture-errors/boom", {});
    t.is(posted.status, 500);
    assertNothingInternal(t, posted.text);

    // A Koa error carrying an internal message shows only the generic text for its status.
    const leaky = await client.get("/fixture-errors/leaky");
    t.is(leaky.status, 400);
    t.regex(leaky.text, /could not be understood/);
    assertNothingInternal(t, leaky.text);

    // A module route hit with a wrong method answers like a core route.
    const wrongMethod = await client.request("PUT", "/fixture-errors/leaky", { headers: { "x-csrf-token": client.csrfToken } });
    t.is(wrongMethod.status, 405);
    t.regex(wrongMethod.headers.get("allow") ?? "", /GET/);
    t.regex(wrongMethod.text, /not available here/);
  } finally {
    await app.app.registry.disable("fixture-errors");
  }
  t.is((await app.client().get("/fixture-errors/boom")).status, 404, "gone once the module is off");
});
