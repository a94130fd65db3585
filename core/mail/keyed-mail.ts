import type { Language } from "../../config/index.ts";

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
