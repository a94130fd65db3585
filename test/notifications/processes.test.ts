// Real server processes: the job queue survives kill -9, and live updates cross processes through Redis.
import { randomBytes } from "node:crypto";
import test from "ava";
import { Redis } from "ioredis";
import { Client } from "../helpers/client.ts";
import { publish } from "../helpers/content.ts";
import { freshInstance, seedAccounts, startServer, type Instance, type RunningServer } from "../ops/processes.ts";
import { openEvents, pause, startControlledSmtp, waitUntil, type ControlledSmtp } from "./helpers.ts";

const password = "correct-horse-battery";
const admin = { AGORA_ADMIN_EMAIL: "proc-admin@example.test", AGORA_ADMIN_PASSWORD: "proc-admin-password", AGORA_ADMIN_NAME: "Proc Admin" };

async function signedIn(server: RunningServer, email: string) {
  const client = new Client(server.url);
  await client.login(email, password);
  return client;
}

let instances: Instance[] = [];
let servers: RunningServer[] = [];
let smtp: ControlledSmtp | null = null;
test.after.always(async () => {
  for (const server of servers) if (server.child.exitCode === null && server.child.signalCode === null) await server.stop();
  for (const instance of instances) await instance.remove();
  await smtp?.close();
});

/** A fresh instance with these accounts, served by two processes that share live updates through Redis (under their own key prefix). */
async function twoServersOverRedis(names: string[]) {
  const instance = await freshInstance(admin);
  instances.push(instance);
  const accounts = await seedAccounts(instance.env, names, password);
  const prefix = `agora-test-${randomBytes(6).toString("hex")}:`;
  const env = { ...instance.env, AGORA_REDIS_URL: "redis://127.0.0.1:6379", AGORA_REDIS_PREFIX: prefix, AGORA_JOBS_POLL_MS: "50" };
  const one = await startServer(env);
  servers.push(one);
  const two = await startServer(env);
  servers.push(two);
  return { accounts, prefix, one, two };
}

test.serial("the queue survives kill -9 mid-queue: after a restart every mail is sent exactly once", async (t) => {
  t.timeout(90_000);
  smtp = await startControlledSmtp();
  const instance = await freshInstance(admin);
  instances.push(instance);
  const recipients = ["ada", "bob", "cyd", "dee", "eve", "fay"];
  const [author, ...people] = await seedAccounts(instance.env, ["author", ...recipients], password);
  const env = { ...instance.env, AGORA_SMTP_URL: smtp.url, AGORA_JOBS_POLL_MS: "50", AGORA_JOBS_RETRY_MS: "200", AGORA_JOBS_LEASE_MS: "1500" };
  const first = await startServer(env);
  servers.push(first);

  // The third mail reaches the relay, and the process dies before the relay accepts it.
  let received = 0;
  smtp.beforeAccept = () => {
    received += 1;
    if (received !== 3) return true;
    first.child.kill("SIGKILL");
    return false;
  };
  const client = await signedIn(first, author.email);
  await publish(client, { target: "company:0", title: "Queue test", body: people.map((person) => `@${person.username}`).join(" ") });
  const exit = await first.exited;
  t.is(exit.code, null, "killed, not exited");
  t.is(smtp.mails.length, 2, "two mails were accepted before the kill");

  smtp.beforeAccept = null;
  const second = await startServer(env);
  servers.push(second);
  await waitUntil(() => new Set(smtp!.mails.flatMap((mail) => mail.to)).size === people.length, "a mail for every mentioned person", 25_000);
  await pause(1500);
  for (const person of people) {
    t.is(smtp.mails.filter((mail) => mail.to.includes(person.email)).length, 1, `${person.email} gets exactly one mail`);
  }
  t.is(smtp.mails.length, people.length);
  t.is(new Set(smtp.mails.map((mail) => mail.messageId)).size, people.length, "each with its own Message-ID");
  t.is(await second.stop(), 0);
});

test.serial("live updates cross processes: a post on one server reaches a page held by another, through Redis", async (t) => {
  t.timeout(90_000);
  const { accounts: [author, reader], prefix, one, two } = await twoServersOverRedis(["writer", "watcher"]);

  const spy = new Redis("redis://127.0.0.1:6379");
  const heard: string[] = [];
  spy.on("message", (channel: string, message: string) => heard.push(`${channel} ${message}`));
  await spy.subscribe(`${prefix}live`);
  const stream = await openEvents(await signedIn(two, reader.email), "/live/events?stream=dashboard");
  t.is(stream.status, 200);
  await stream.waitFor("unread");
  const writer = await signedIn(one, author.email);
  await publish(writer, { target: "company:0", body: `Across processes, @${reader.username}` });
  t.deepEqual(await stream.waitFor("posts", () => true, 10_000), { count: 1, text: "1 new post: show it" });
  t.deepEqual(await stream.waitFor("unread", (data) => data.count === 1, 10_000), { count: 1, label: "1" });
  t.true(heard.some((line) => line.startsWith(`${prefix}live {"kind":"content"`)), "events go through this instance's channel");
  spy.disconnect();

  t.is(await one.stop(), 0);
  // The page's stream is still open: a graceful stop ends it instead of waiting out the 10 s grace period.
  const stopping = Date.now();
  t.is(await two.stop(), 0);
  t.true(Date.now() - stopping < 5000, `stopped ${Date.now() - stopping} ms after SIGTERM with a live stream open`);
  stream.close();
});

test.serial("live updates cross processes: leaving a group on one server stops its count on a dashboard held by another", async (t) => {
  t.timeout(90_000);
  const { accounts: [owner, member], one, two } = await twoServersOverRedis(["keeper", "leaver"]);

  const keeper = await signedIn(one, owner.email);
  const created = await keeper.post("/groups/new", { name: "Cross vault", visibility: "secret", description: "", tags: "" });
  t.is(created.status, 302);
  const groupUrl = created.location;
  await keeper.post(`${groupUrl}/invitations`, { people: member.username });
  const leaverOnOne = await signedIn(one, member.email);
  t.is((await leaverOnOne.post(`${groupUrl}/invitation/accept`)).status, 302);
  const target = /name="target" value="(group:\d+)"/.exec((await keeper.get(groupUrl)).text)![1];

  const stream = await openEvents(await signedIn(two, member.email), "/live/events?stream=dashboard");
  await stream.waitFor("unread");
  await publish(keeper, { target, body: "Before leaving" });
  t.deepEqual(await stream.waitFor("posts", () => true, 10_000), { count: 1, text: "1 new post: show it" }, "a member's page held by the other server counts it");

  t.is((await leaverOnOne.post(`${groupUrl}/leave`)).status, 302, "left through the other server");
  await publish(keeper, { target, body: "After leaving" });
  await publish(keeper, { target: "company:0", body: "Company news after leaving" });
  t.deepEqual(await stream.waitFor("posts", (data) => data.count === 2, 10_000), { count: 2, text: "2 new posts: show them" });
  await pause(500);
  t.deepEqual(stream.events.filter((e) => e.event === "posts").map((e) => e.data.count), [1, 2], "the group's post after leaving is not counted");
  stream.close();
  t.is(await one.stop(), 0);
  t.is(await two.stop(), 0);
});
