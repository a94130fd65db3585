import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface TestSmtp {
  url: string;
  messages: ReceivedMail[];
  /** Resolves with the first message to `to` (waiting up to `ms`), and removes it from the inbox. */
  waitFor(to: string, ms?: number): Promise<ReceivedMail>;
  /** Messages received so far for `to` (not removed). */
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

/**
 * An in-process SMTP server that keeps what it receives. Plain SMTP without STARTTLS or AUTH, so the app's
 * nodemailer talks to it with AGORA_SMTP_URL=smtp://127.0.0.1:<port> and no extra options.
 */
export async function startSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const mail = parseMail(Buffer.concat(chunks).toString("utf8"));
        mail.to = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
        messages.push(mail);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  const matches = (mail: ReceivedMail, address: string) => mail.to.includes(address.toLowerCase());
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(to, ms = 3000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const index = messages.findIndex((mail) => matches(mail, to));
        if (index >= 0) return messages.splice(index, 1)[0];
        if (Date.now() > deadline) throw new Error(`no mail for ${to} within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    to: (address) => messages.filter((mail) => matches(mail, address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** First http(s) link in a text that contains `path`. */
export function linkIn(text: string, path: string): string {
  const link = text.match(/https?:\/\/\S+/g)?.find((url) => url.includes(path));
  if (!link) throw new Error(`no link to ${path} in:\n${text}`);
  return link;
}

// Just enough MIME for what nodemailer sends: headers, multipart/alternative, quoted-printable/base64, encoded words.
function splitHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end < 0 ? raw : raw.slice(0, end);
  const body = end < 0 ? "" : raw.slice(end).replace(/^\r?\n\r?\n/, "");
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeBody(body: string, encoding = ""): string {
  const kind = encoding.toLowerCase();
  if (kind === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (kind === "quoted-printable") {
    const text = body.replace(/=\r?\n/g, "");
    const bytes: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const hex = text.slice(i + 1, i + 3);
      if (text[i] === "=" && /^[0-9A-F]{2}$/i.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else bytes.push(text.charCodeAt(i));
    }
    return Buffer.from(bytes).toString("utf8");
  }
  return body;
}

function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, "$1$2")
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === "B" ? Buffer.from(text, "base64").toString("utf8") : decodeBody(text.replace(/_/g, " "), "quoted-printable"),
    );
}

function parseMail(raw: string): ReceivedMail {
  const { headers, body } = splitHeaders(raw);
  const mail: ReceivedMail = { to: [], subject: decodeWords(headers.subject ?? ""), text: "", html: "", headers };
  const collect = (partHeaders: Record<string, string>, partBody: string) => {
    const type = partHeaders["content-type"] ?? "text/plain";
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (boundary) {
      for (const part of partBody.split(`--${boundary}`).slice(1)) {
        if (part.startsWith("--")) break;
        const inner = splitHeaders(part.replace(/^\r?\n/, ""));
        collect(inner.headers, inner.body);
      }
      return;
    }
    const text = decodeBody(partBody, partHeaders["content-transfer-encoding"]);
    if (type.startsWith("text/html")) mail.html = text;
    else if (type.startsWith("text/plain")) mail.text = text;
  };
  collect(headers, body);
  return mail;
}
