import type { Language } from "../../config/index.ts";
import type { AppServices } from "../services.ts";
import type { MailMessage } from "./mailer.ts";
import { composeFromKeys } from "./compose.ts";

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

/** A mail from a module's catalogue (same layout as core's), in the instance's language when `lang` is null. */
export async function composeKeyedMail(services: Pick<AppServices, "templates" | "i18n" | "settings" | "config">, mail: KeyedMail): Promise<MailMessage> {
  const { defaultLanguage } = await services.settings.get();
  return composeFromKeys(services, { to: mail.to, lang: mail.lang ?? defaultLanguage, keys: mail.keys, url: `${services.config.baseUrl}${mail.path}`, params: mail.params });
}
