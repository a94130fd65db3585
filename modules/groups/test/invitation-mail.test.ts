import test from "ava";
import type { TestApp } from "../../../test/helpers/app.ts";
import { linkIn, type TestSmtp } from "../../../test/helpers/smtp.ts";
import { queueDrained, startMailingApp } from "../../../test/notifications/helpers.ts";
import { createGroup } from "./helpers.ts";

// An invitation by e-mail is mailed by a queued job, in the instance's language, with the accept link.
let app: TestApp;
let smtp: TestSmtp;
test.before(async () => {
  ({ app, smtp } = await startMailingApp());
});
test.after.always(async () => {
  await app?.close();
  await smtp?.close();
});

const jobs = async () => (await import("../../../core/jobs/job.ts")).Job;

test.serial("the invitee gets an HTML and text mail whose link lets them join, once", async (t) => {
  const owner = await app.signedIn("member");
  const group = await createGroup(owner.client, { name: "Supplier circle", visibility: "private" });
  t.is((await owner.client.post(`${group.url}/invitations`, { people: "Supplier@Example.org" })).status, 302);
  const mail = await smtp.waitFor("supplier@example.org", 8000);
  const { siteName } = await app.app.settings.get();
  t.is(mail.subject, `${owner.account.displayName} invites you to the group Supplier circle on ${siteName}`);
  const url = linkIn(mail.text, "/groups/invitations/");
  t.true(mail.html.includes(`href="${url}"`), "the HTML part carries the same link");
  t.true(mail.html.includes("Accept the invitation"));
  t.is(mail.headers["auto-submitted"], "auto-generated");

  const { pathname } = new URL(url);
  const Job = await jobs();
  await queueDrained();
  const sent = await Job.findAll({ where: { kind: "mail.keyed" } });
  t.false(sent.some((job) => job.payload.includes(pathname.split("/").pop()!)), "a sent mail's link is not kept in the queue");

  const invitee = await app.signedIn("guest");
  t.is((await invitee.client.post(pathname)).status, 302);
  t.is((await invitee.client.get(group.url)).status, 200, "a member now");
  t.is((await invitee.client.get(pathname)).status, 404, "the link works once");
});

test.serial("in French when that is the instance's language; nothing is sent for a refused request", async (t) => {
  const { defaultLanguage } = await app.app.settings.get();
  await app.app.settings.set({ defaultLanguage: "fr" });
  try {
    const owner = await app.signedIn("member");
    const group = await createGroup(owner.client, { name: "Cercle achats", visibility: "secret" });
    t.is((await owner.client.post(`${group.url}/invitations`, { people: "acheteur@example.org" })).status, 302);
    const mail = await smtp.waitFor("acheteur@example.org", 8000);
    t.is(mail.subject, `${owner.account.displayName} vous invite dans le groupe Cercle achats sur ${(await app.app.settings.get()).siteName}`);
    t.true(mail.text.includes("Ce lien est valable 14 jours"));
    t.regex(mail.html, /<html lang="fr">/);
    t.regex(mail.html, /Accepter l(&#39;|')invitation/);

    const refused = await owner.client.post(`${group.url}/invitations`, { people: "refus@example.org nobody-by-that-name" });
    t.is(refused.status, 422);
    await queueDrained();
    t.deepEqual(smtp.to("refus@example.org"), [], "an unknown name refuses the whole request, mail included");
  } finally {
    await app.app.settings.set({ defaultLanguage });
  }
});
