import nodemailer, { type Transporter } from "nodemailer";
import type { Logger } from "pino";
import type { Config } from "../../config/index.ts";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  readonly isConfigured: boolean;
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** Sends over AGORA_SMTP_URL; without it, mail is logged (never silently dropped) so an admin sees it. */
export function createMailer(config: Config, logger: Logger): Mailer {
  const transport: Transporter | null = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
  return {
    isConfigured: transport !== null,
    async send(message) {
      if (!transport) {
        logger.warn({ to: message.to, subject: message.subject, text: message.text }, "mail not sent: AGORA_SMTP_URL is not set");
        return;
      }
      await transport.sendMail({ from: config.mailFrom, ...message });
    },
    close() {
      transport?.close();
    },
  };
}
