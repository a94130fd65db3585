import type { Language } from "../../config/index.ts";
import type { AppServices } from "../services.ts";
import type { MailMessage } from "./mailer.ts";

export type MailKind = "invitation" | "passwordReset";

/** What a call-to-action mail is written from: translation keys `${keys}.subject`, .intro, .action, .expiry and .ignore. */
export interface MailFromKeys {
  to: string;
  lang: Language;
  /** <namespace>:<prefix> of the keys: mail:<kind> for core mails, the module's own for a module's. */
  keys: string;
  url: string;
  params?: Record<string, string | number>;
}

/**
 * Builds a mail in the recipient's language from translation keys, with one call-to-action link. HTML from
 * mail/message.njk (a theme can override it), plain text alongside for clients that prefer it.
 */
export async function composeFromKeys(services: Pick<AppServices, "templates" | "i18n" | "settings" | "config">, mail: MailFromKeys): Promise<MailMessage> {
  const t = services.i18n.getFixedT(mail.lang);
  const { siteName } = await services.settings.get();
  const params = { siteName, ...mail.params };
  const key = (part: string) => t(`${mail.keys}.${part}`, params);
  const content = {
    subject: key("subject"),
    intro: key("intro"),
    action: key("action"),
    expiry: key("expiry"),
    ignore: key("ignore"),
    footer: t("mail:footer", { siteName, baseUrl: services.config.baseUrl }),
    url: mail.url,
  };
  const text = [content.intro, "", `${content.action}:`, content.url, "", content.expiry, content.ignore, "", "-- ", content.footer].join("\n");
  const html = services.templates.render("mail/message.njk", { ...content, lang: mail.lang });
  return { to: mail.to, subject: content.subject, text, html, headers: { "Auto-Submitted": "auto-generated" } };
}

/** A core mail from the `mail` catalogue: mail:<kind>.subject, .intro, .action, .expiry and .ignore. */
export function composeMail(
  services: Pick<AppServices, "templates" | "i18n" | "settings" | "config">,
  mail: { to: string; lang: Language; kind: MailKind; url: string; params?: Record<string, string | number> },
): Promise<MailMessage> {
  return composeFromKeys(services, { to: mail.to, lang: mail.lang, keys: `mail:${mail.kind}`, url: mail.url, params: mail.params });
}
