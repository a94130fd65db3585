import type { Language } from "../../config/index.ts";
import type { MailMessage } from "../mail/mailer.ts";
import type { User } from "../models/user.ts";
import type { AppServices } from "../services.ts";
import { isLanguage } from "../views/i18n.ts";
import type { NotificationLine } from "./presenter.ts";
import { unsubscribeToken } from "./unsubscribe.ts";

export type MailServices = Pick<AppServices, "templates" | "i18n" | "settings" | "config" | "registry">;

/** The person's language, else the site's. */
export async function mailLanguage(services: MailServices, user: User): Promise<Language> {
  return isLanguage(user.language) ? user.language : (await services.settings.get()).defaultLanguage;
}

/**
 * Headers every notification mail carries: one-click unsubscribe (RFC 8058) for this person and this
 * type only, and a Message-ID fixed by the job, so a mail sent again after a crash is the same message.
 */
function headers(services: MailServices, user: User, type: string, messageKey: string) {
  const url = `${services.config.baseUrl}/unsubscribe/${unsubscribeToken(services.config.sessionSecret, { userId: user.id, type })}`;
  const host = new URL(services.config.baseUrl).hostname || "agora.local";
  return {
    url,
    headers: {
      "List-Unsubscribe": `<${url}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      "Auto-Submitted": "auto-generated",
      "Message-ID": `<${messageKey}@${host}>`,
    },
  };
}

const absolute = (services: MailServices, path: string | null) => (path ? `${services.config.baseUrl}${path}` : null);

/** One notification, as soon as it happens: HTML and text in the person's language. */
export async function composeNotificationMail(services: MailServices, user: User, line: NotificationLine, messageKey: string): Promise<MailMessage> {
  const lang = await mailLanguage(services, user);
  const t = services.i18n.getFixedT(lang);
  const { siteName } = await services.settings.get();
  const type = services.registry.notificationTypes.get(line.notification.type);
  const unsubscribe = headers(services, user, line.notification.type, messageKey);
  const view = {
    lang,
    subject: line.text,
    text: line.text,
    url: absolute(services, line.url),
    action: t("notifications:mail.open"),
    reason: t("notifications:mail.reason", { type: type ? t(type.label) : line.notification.type }),
    unsubscribeUrl: unsubscribe.url,
    unsubscribeLabel: t("notifications:mail.unsubscribe"),
    settingsUrl: `${services.config.baseUrl}/account/notifications`,
    settingsLabel: t("notifications:mail.settings"),
    footer: t("mail:footer", { siteName, baseUrl: services.config.baseUrl }),
  };
  return {
    to: user.email,
    subject: line.text,
    text: services.templates.render("mail/notification-text.njk", view),
    html: services.templates.render("mail/notification.njk", view),
    headers: unsubscribe.headers,
  };
}

/** A daily or weekly summary of what the person has not seen yet; each notification appears in one digest only. */
export async function composeDigestMail(services: MailServices, user: User, lines: NotificationLine[], frequency: "daily" | "weekly", messageKey: string): Promise<MailMessage> {
  const lang = await mailLanguage(services, user);
  const t = services.i18n.getFixedT(lang);
  const { siteName } = await services.settings.get();
  const unsubscribe = headers(services, user, "digest", messageKey);
  const subject = t(`notifications:digest.subject.${frequency}`, { count: lines.length, siteName });
  const view = {
    lang,
    subject,
    intro: t(`notifications:digest.intro.${frequency}`, { siteName }),
    lines: lines.map((line) => ({ text: line.text, url: absolute(services, line.url) })),
    listUrl: `${services.config.baseUrl}/notifications`,
    listLabel: t("notifications:digest.all"),
    reason: t("notifications:digest.reason"),
    unsubscribeUrl: unsubscribe.url,
    unsubscribeLabel: t("notifications:digest.unsubscribe"),
    settingsUrl: `${services.config.baseUrl}/account/notifications`,
    settingsLabel: t("notifications:mail.settings"),
    footer: t("mail:footer", { siteName, baseUrl: services.config.baseUrl }),
  };
  return {
    to: user.email,
    subject,
    text: services.templates.render("mail/notification-digest-text.njk", view),
    html: services.templates.render("mail/notification-digest.njk", view),
    headers: unsubscribe.headers,
  };
}
