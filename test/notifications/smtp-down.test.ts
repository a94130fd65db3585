import test from "ava";
import { startApp, type TestApp } from "../helpers/app.ts";
import { publish, usernameOf } from "../helpers/content.ts";
import { freePort, notificationsOf, startControlledSmtp, waitUntil, type ControlledSmtp } from "./helpers.ts";

let app: TestApp;
let smtp: ControlledSmtp | null = null;
let port: number;
test.before(async () => {
  port = await freePort();
  app = await startApp({ AGORA_SMTP_URL: `smtp://127.0.0.1:${port}`, AGORA_JOBS_POLL_MS: "50", AGORA_JOBS_RETRY_MS: "300" });
});
test.after.always(async () => {
  await app?.close();
  await smtp?.close();
});

test.serial("SMTP down: pages still answer, the mail waits in the queue and goes out once SMTP is back", async (t) => {
  const { Job } = await import("../../core/jobs/job.ts");
  const author = await app.signedIn("member");
  const reader = await app.signedIn("member");
  const id = await publish(author.client, { target: "company:0", title: "While SMTP sleeps", body: `Hi @${await usernameOf(reader.userId)}` });
  t.is((await author.client.get(`/c/${id}`)).status, 200);
  await waitUntil(async () => (await notificationsOf(reader.userId)).length === 1, "the notification");
  const page = await reader.client.get("/notifications");
  t.is(page.status, 200);
  t.true(page.text.includes("While SMTP sleeps"), "the site shows it at once");

  const failed = await waitUntil(() => Job.findOne({ where: { kind: "notifications.mail", status: "pending" } }).then((job) => (job && job.attempts >= 1 && job.lastError ? job : null)), "a failed attempt");
  t.regex(failed.lastError!, /ECONNREFUSED/);
  t.true(failed.runAt > new Date(Date.now() - 50), "retried later, not at once");
  t.is((await reader.client.get("/")).status, 200);

  smtp = await startControlledSmtp(port);
  const delivered = await waitUntil(() => smtp!.mails.find((mail) => mail.to.includes(reader.account.email)), "the mail once SMTP is back", 20_000);
  t.truthy(delivered);
  const done = (await Job.findByPk(failed.id))!;
  await waitUntil(async () => (await done.reload()).status === "done", "the job to be done");
  t.true(done.attempts >= 2);
  t.is(smtp.mails.filter((mail) => mail.to.includes(reader.account.email)).length, 1, "sent once");
});
