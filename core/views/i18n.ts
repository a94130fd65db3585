import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import i18next, { type i18n, type Resource } from "i18next";
import { supportedLanguages, type Language } from "../../config/index.ts";

const coreLocales = path.resolve(import.meta.dirname, "../locales");

/**
 * One i18next instance: core catalogues are core/locales/<lang>/<namespace>.json, a module's are
 * modules/<id>/locales/<lang>.json under the namespace of its id.
 */
export async function createI18n(modules: { moduleId: string; directory: string }[]): Promise<i18n> {
  const resources: Resource = {};
  for (const lang of supportedLanguages) {
    resources[lang] = {};
    const directory = path.join(coreLocales, lang);
    for (const file of readdirSync(directory).filter((f) => f.endsWith(".json"))) {
      resources[lang][file.replace(/\.json$/, "")] = JSON.parse(readFileSync(path.join(directory, file), "utf8"));
    }
    for (const { moduleId, directory: moduleDirectory } of modules) {
      const file = path.join(moduleDirectory, `${lang}.json`);
      if (existsSync(file)) resources[lang][moduleId] = JSON.parse(readFileSync(file, "utf8"));
    }
  }
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    lng: "en",
    fallbackLng: "en",
    supportedLngs: [...supportedLanguages],
    defaultNS: "common",
    ns: Object.keys(resources.en),
    // nunjucks escapes on output; escaping here too would double-escape.
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  return instance;
}

/** The user's setting, else the best Accept-Language match, else the instance default. */
export function pickLanguage(userLanguage: string | null | undefined, acceptLanguage: string, instanceDefault: Language): Language {
  if (isLanguage(userLanguage)) return userLanguage;
  const ranked = acceptLanguage
    .split(",")
    .map((part) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { base: tag.toLowerCase().split("-")[0], q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((entry) => entry.base).find(isLanguage) ?? instanceDefault;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (supportedLanguages as readonly string[]).includes(value);
}
