import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { Client } from "../helpers/client.ts";
import { startApp, type TestApp } from "../helpers/app.ts";
import { startSmtp, type TestSmtp } from "../helpers/smtp.ts";

/** Polls until check() returns something truthy, or fails with the label after ms. */
export async function waitUntil<T>(check: () => Promise<T> | T, label: string, ms = 8000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const result = await check();
    if (result) return result as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Notifications of a person, straight from the table (the app runs in this process). */
export async function notificationsOf(userId: number) {
  const { Notification } = await import("../../core/models/notification.ts");
  return Notification.findAll({ where: { userId }, order: [["id", "ASC"]] });
}

/** Waits until no job is running or due: everything queued so far has been handled (or put off till later). */
export async function queueDrained(ms = 8000) {
  const { Job } = await import("../../core/jobs/job.ts");
  const { Op } = await import("sequelize");
  const busy = { [Op.or]: [{ status: "running" }, { status: "pending", runAt: { [Op.lte]: new Date(Date.now() + 60_000) } }] };
  await waitUntil(async () => (await Job.count({ where: busy })) === 0, "the job queue to drain", ms);
}

export interface EventStream {
  events: { event: string; data: Record<string, unknown> }[];
  status: number;
  /** X-Request-Id of the stream request: its log line (written when the stream ends) tells which process served it. */
  requestId: string;
  waitFor(event: string, check?: (data: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  /** Whether the server ended the stream. */
  isEnded(): boolean;
  close(): void;
}

/** Opens /live/events with a client's cookies and collects the Server-Sent Events it receives. */
export async function openEvents(client: Client, path = "/live/events"): Promise<EventStream> {
  const cookies = (client as unknown as { cookies: Map<string, string> }).cookies;
  const controller = new AbortController();
  const response = await fetch(client.baseUrl + path, {
    headers: { accept: "text/event-stream", cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    signal: controller.signal,
  });
  const events: EventStream["events"] = [];
  let ended = response.status !== 200;
  if (response.body && response.status === 200) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffered = "";
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffered += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffered.indexOf("\n\n")) >= 0) {
            const block = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            const event = /^event: (.+)$/m.exec(block)?.[1];
            const data = /^data: (.+)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
          }
        }
        ended = true;
      } catch {
        // Aborted by close().
      }
    })();
  }
  return {
    events,
    status: response.status,
    requestId: response.headers.get("x-request-id") ?? "",
    async waitFor(event, check = () => true, ms = 8000) {
      const found = await waitUntil(() => events.find((e) => e.event === event && check(e.data)), `event "${event}"`, ms);
      return found.data;
    },
    isEnded: () => ended,
    close: () => controller.abort(),
  };
}

export interface RecordedMail {
  to: string[];
  raw: string;
  messageId: string;
}

export interface ControlledSmtp {
  port: number;
  url: string;
  mails: RecordedMail[];
  /** Called with each message before it is accepted; return false to leave it unanswered (the sender never hears 250). */
  beforeAccept: ((mail: RecordedMail) => boolean) | null;
  close(): Promise<void>;
}

/**
 * An SMTP server whose acceptance a test controls: a message counts as delivered only once the server
 * answers 250, as with a real relay, so a sender killed mid-DATA has delivered nothing.
 */
export async function startControlledSmtp(port = 0): Promise<ControlledSmtp> {
  const control: ControlledSmtp = { port: 0, url: "", mails: [], beforeAccept: null, close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const mail = { to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()), raw, messageId: /^Message-ID:\s*(\S+)/im.exec(raw)?.[1] ?? "" };
        if (control.beforeAccept && !control.beforeAccept(mail)) return;
        control.mails.push(mail);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  control.port = (server.server.address() as AddressInfo).port;
  control.url = `smtp://127.0.0.1:${control.port}`;
  control.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return control;
}

/** A port nothing listens on (yet). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The app with a test SMTP server and a quick job queue (polled every 50 ms, retried after 200 ms), as the
 * mail tests need; close the app before the SMTP server, so no mail is cut off.
 */
export async function startMailingApp(): Promise<{ app: TestApp; smtp: TestSmtp }> {
  const smtp = await startSmtp();
  const app = await startApp({ AGORA_SMTP_URL: smtp.url, AGORA_JOBS_POLL_MS: "50", AGORA_JOBS_RETRY_MS: "200" });
  return { app, smtp };
}
