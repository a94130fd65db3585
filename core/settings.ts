import type { Language } from "../config/index.ts";
import { Setting } from "./models/setting.ts";

export const registrationModes = ["closed", "invite", "open", "approval"] as const;
export type RegistrationMode = (typeof registrationModes)[number];

export interface SiteSettings {
  siteName: string;
  /** File name of the uploaded logo under uploads/site, or "" for the text name. */
  logoFile: string;
  registrationMode: RegistrationMode;
  defaultLanguage: Language;
  isSetupComplete: boolean;
  /** Cards for a link alone on a line in a post (core/content/link-previews/). */
  linkPreviews: boolean;
  /** Intranet hosts previews may fetch from although they resolve to private addresses, one per line ("*.corp.example" for sub-domains). */
  linkPreviewHosts: string;
  /** Markdown shown atop a newcomer's dashboard, one text per language (core/people/first-day.ts); "" for the built-in greeting. */
  welcomeText: Partial<Record<Language, string>>;
}

const cacheMs = 5_000;

/** Instance-wide settings: defaults, overridden by rows in `settings`. Cached briefly so pages cost no query. */
export class SettingsStore {
  private cache: SiteSettings | null = null;
  private loadedAt = 0;

  constructor(private defaults: SiteSettings) {}

  async get(): Promise<SiteSettings> {
    if (this.cache && Date.now() - this.loadedAt < cacheMs) return this.cache;
    const rows = await Setting.findAll();
    const stored = Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value)]));
    this.cache = { ...this.defaults, ...stored };
    this.loadedAt = Date.now();
    return this.cache;
  }

  async set(values: Partial<SiteSettings>, transaction?: import("sequelize").Transaction) {
    for (const [key, value] of Object.entries(values)) {
      await Setting.upsert({ key, value: JSON.stringify(value) }, { transaction });
    }
    this.cache = null;
  }
}
