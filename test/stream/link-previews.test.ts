import http from "node:http";
import type { AddressInfo } from "node:net";
import test from "ava";
import sharp from "sharp";
import { startApp, type TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";
import { publish } from "../helpers/content.ts";
import { addMember, createGroup } from "../../modules/groups/test/helpers.ts";
import { ContentLinkPreview, LinkPreview } from "../../core/models/link-preview.ts";
import { jobsDone } from "../helpers/jobs.ts";

// Link previews over HTTP: a link alone on a line in a post gets a card once background work fetched the
// page (from a server on this machine, which the admin must list), shown to readers only, removable by its author.

let site: http.Server;
let siteUrl: string;
let hits = 0;
let app: TestApp;
let admin: Client;
let author: { client: Client; userId: number };
let reader: { client: Client; userId: number };
let outsider: { client: Client; userId: number };

test.before(async () => {
  const png = await sharp({ create: { width: 800, height: 400, channels: 3, background: { r: 20, g: 120, b: 60 } } }).png().toBuffer();
  site = http.createServer((request, response) => {
    hits += 1;
    if (request.url === "/picture.png") {
      response.writeHead(200, { "content-type": "image/png" });
      return response.end(png);
    }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<html><head><title>${request.url}</title><meta property="og:title" content="Quarterly <b>plan</b> ${request.url}"><meta property="og:description" content="What we ship next."><meta property="og:image" content="/picture.png"></head><body></body></html>`);
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  app = await startApp({ AGORA_JOBS_POLL_MS: "50" });
  admin = (await app.signedIn("admin")).client;
  author = await app.signedIn("member", { displayName: "Lina Linker" });
  reader = await app.signedIn("member", { displayName: "Rita Reader" });
  outsider = await app.signedIn("member", { displayName: "Otto Outsider" });
});
test.after.always(async () => {
  await app?.close();
  site?.closeAllConnections();
  site?.close();
});

async function saveSettings(fields: Record<string, string>) {
  const response = await admin.post("/admin/settings", { siteName: "Agora", registrationMode: "closed", defaultLanguage: "en", ...fields });
  return response;
}

const cardOf = (html: string) => /<aside class="link-card"[\s\S]*?<\/aside>/.exec(html)?.[0] ?? null;

test.serial("the settings page refuses a host list that is not host names, and saves nothing", async (t) => {
  const refused = await saveSettings({ linkPreviews: "1", linkPreviewHosts: "wiki.corp.example http://evil/ x" });
  t.is(refused.status, 422);
  t.true(refused.text.includes("List host names only"));
  t.is((await app.app.settings.get()).linkPreviewHosts, "");
});

test.serial("a loopback link is never fetched while its host is not listed", async (t) => {
  t.is((await saveSettings({ linkPreviews: "1", linkPreviewHosts: "" })).status, 302);
  const before = hits;
  const id = await publish(author.client, { target: "company:0", body: `Not listed:\n${siteUrl}/closed` });
  await jobsDone("link-preview.fetch");
  t.is(hits, before, "the site was never asked");
  t.is((await LinkPreview.findOne({ where: { url: `${siteUrl}/closed` } }))?.status, "failed");
  t.is(cardOf((await author.client.get(`/c/${id}`)).text), null);
});

test.serial("a listed intranet host: the card shows on the post and the dashboard, its text escaped, its picture small", async (t) => {
  t.is((await saveSettings({ linkPreviews: "1", linkPreviewHosts: "127.0.0.1" })).status, 302);
  const id = await publish(author.client, { target: "company:0", body: `Read this before Monday:\n\n${siteUrl}/plan\n\nThanks!` });
  await jobsDone("link-preview.fetch");
  const card = cardOf((await reader.client.get(`/c/${id}`)).text);
  t.truthy(card);
  t.true(card!.includes("Quarterly &lt;b&gt;plan&lt;/b&gt; /plan"), "the page's markup is text");
  t.true(card!.includes("What we ship next."));
  t.true(card!.includes(`href="${siteUrl}/plan"`));
  t.false(card!.includes("Remove preview"), "only who may edit removes it");
  t.truthy(cardOf((await reader.client.get("/")).text), "on the dashboard too");
  const image = /<img class="link-card-image" src="([^"]+)"/.exec(card!)?.[1];
  t.truthy(image);
  const picture = await reader.client.get(image!);
  t.is(picture.status, 200);
  t.is(picture.headers.get("content-type"), "image/webp");
  t.regex(picture.headers.get("cache-control") ?? "", /immutable/);
});

test.serial("a link inside a sentence gets no card, nor one in a code block", async (t) => {
  const inline = await publish(author.client, { target: "company:0", body: `See ${siteUrl}/inline for details` });
  const fenced = await publish(author.client, { target: "company:0", body: "```\n" + `${siteUrl}/fenced` + "\n```" });
  await jobsDone("link-preview.fetch");
  t.is(await ContentLinkPreview.count({ where: { contentId: [inline, fenced] } }), 0);
  t.is(cardOf((await author.client.get(`/c/${inline}`)).text), null);
});

test.serial("a card in a private group, and its picture, stay with the group's readers", async (t) => {
  const group = await createGroup(author.client, { name: "Plans", visibility: "private" });
  await addMember(group.id, reader.userId);
  const id = await publish(author.client, { target: `group:${group.id}`, body: `${siteUrl}/private-plan` });
  await jobsDone("link-preview.fetch");
  const card = cardOf((await reader.client.get(`/c/${id}`)).text);
  t.truthy(card, "a member sees it");
  const image = /<img class="link-card-image" src="([^"]+)"/.exec(card!)![1];
  t.is((await outsider.client.get(`/c/${id}`)).status, 404);
  const leaked = await outsider.client.get(image);
  t.is(leaked.status, 404, "no picture for someone who cannot read the post");
  t.is((await app.client().get(image)).status, 302, "signed out: to the sign-in page");
  t.false((await outsider.client.get("/")).text.includes("private-plan"));
});

test.serial("the author removes the card; someone else may not; an edit to another link brings a new card", async (t) => {
  const id = await publish(author.client, { target: "company:0", body: `${siteUrl}/first` });
  await jobsDone("link-preview.fetch");
  t.truthy(cardOf((await author.client.get(`/c/${id}`)).text)?.includes("Remove preview"));
  t.is((await reader.client.post(`/c/${id}/link-preview/remove`)).status, 403);
  t.false((await ContentLinkPreview.findByPk(id))!.hidden);
  const removed = await author.client.post(`/c/${id}/link-preview/remove`);
  t.is(removed.status, 302);
  const page = (await author.client.get(`/c/${id}`)).text;
  t.true(page.includes("The preview was removed."));
  t.is(cardOf(page), null);
  t.is(cardOf((await reader.client.get("/")).text.split(`id="content-${id}"`)[1]?.split("</article>")[0] ?? ""), null, "gone from the (cached) dashboard entry too");
  const edited = await author.client.post(`/c/${id}/edit`, { title: "", body: `Better:\n${siteUrl}/second` });
  t.is(edited.status, 302);
  await jobsDone("link-preview.fetch");
  t.true(cardOf((await author.client.get(`/c/${id}`)).text)?.includes("/second") ?? false);
});

test.serial("a link posted twice is fetched once", async (t) => {
  const before = hits;
  await publish(author.client, { target: "company:0", body: `${siteUrl}/shared` });
  await publish(reader.client, { target: "company:0", body: `${siteUrl}/shared` });
  await jobsDone("link-preview.fetch");
  t.is(hits - before, 2, "one page and its picture");
});

test.serial("with previews off, nothing is fetched", async (t) => {
  t.is((await saveSettings({ linkPreviewHosts: "127.0.0.1" })).status, 302);
  t.false((await app.app.settings.get()).linkPreviews);
  const before = hits;
  await publish(author.client, { target: "company:0", body: `${siteUrl}/off` });
  await jobsDone("link-preview.fetch");
  t.is(hits, before);
});
