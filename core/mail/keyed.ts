import type { Language } from "../../config/index.ts";
import type { AppServices } from "../services.ts";
import type { MailMessage } from "./mailer.ts";

/**
 * A mail written from translation keys: `${keys}.subject`, `.intro`, `.action`, `.expiry` and `.ignore`
 * (keys = "<namespace>:<prefix>", a module's catalogue), with one call-to-action link to a path of this site.
 */
export interface KeyedMail {
  to: string;
  /** The recipient's language; null for the instance's default language (someone without an account). */
  lang: Language | null;
  keys: string;
  /** Site path of the link, e.g. "/groups/invitations/<token>": the base URL is added when the mail is written. */
  path: string;
  params?: Record<string, string | number>;
}

/** Same layout as composeMail (mail/message.njk, plain text alongside), for keys outside the core `mail` catalogue. */
export async function composeKeyedMail(services: Pick<AppServices, "templates" | "i18n" | "settings" | "config">, mail: KeyedMail): Promise<MailMessage> {
  const { siteName, defaultLanguage } = await services.settings.get();
  const lang = mail.lang ?? defaultLanguage;
  const t = services.i18n.getFixedT(lang);
  const params = { siteName, ...mail.params };
  const key = (part: string) => t(`${mail.keys}.${part}`, params);
  const content = {
    subject: key("subject"),
    intro: key("intro"),
    action: key("action"),
    expiry: key("expiry"),
    ignore: key("ignore"),
    footer: t("mail:footer", { siteName, baseUrl: services.config.baseUrl }),
    url: `${services.config.baseUrl}${mail.path}`,
  };
  const text = [content.intro, "", `${content.action}:`, content.url, "", content.expiry, content.ignore, "", "-- ", content.footer].join("\n");
  const html = services.templates.render("mail/message.njk", { ...content, lang });
  return { to: mail.to, subject: content.subject, text, html, headers: { "Auto-Submitted": "auto-generated" } };
}
