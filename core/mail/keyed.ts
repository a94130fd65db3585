import type { AppServices } from "../services.ts";
import type { MailMessage } from "./mailer.ts";
import { composeFromKeys } from "./compose.ts";

export type { KeyedMail } from "./keyed-mail.ts";
import type { KeyedMail } from "./keyed-mail.ts";

/** A mail from a module's catalogue (same layout as core's), in the instance's language when `lang` is null. */
export async function composeKeyedMail(services: Pick<AppServices, "templates" | "i18n" | "settings" | "config">, mail: KeyedMail): Promise<MailMessage> {
  const { defaultLanguage } = await services.settings.get();
  return composeFromKeys(services, { to: mail.to, lang: mail.lang ?? defaultLanguage, keys: mail.keys, url: `${services.config.baseUrl}${mail.path}`, params: mail.params });
}
