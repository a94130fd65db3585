import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import i18next, { type i18n, type Resource, type TFunction } from "i18next";
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

const translators = new WeakMap<i18n, Map<string, TFunction>>();
const cacheLimit = 20_000;

/**
 * The request's translation function, remembering what it returned: the catalogues never change while the
 * server runs, and a stream page asks for the same few dozen labels hundreds of times (i18next's own lookup
 * cost about a third of a dashboard's CPU). Calls with object-valued options are passed through.
 */
export function translatorFor(instance: i18n, lang: Language): TFunction {
  let byLanguage = translators.get(instance);
  if (!byLanguage) translators.set(instance, (byLanguage = new Map()));
  const known = byLanguage.get(lang);
  if (known) return known;
  const fixed = instance.getFixedT(lang);
  const results = new Map<string, string>();
  const translate = (key: string | string[], options?: Record<string, unknown>) => {
    const cacheKey = cacheKeyOf(key, options);
    if (cacheKey === null) return fixed(key as string, options as never);
    let result = results.get(cacheKey);
    if (result === undefined) {
      result = fixed(key as string, options as never) as unknown as string;
      if (typeof result !== "string") return result;
      if (results.size >= cacheLimit) results.clear();
      results.set(cacheKey, result);
    }
    return result;
  };
  const t = translate as unknown as TFunction;
  byLanguage.set(lang, t);
  return t;
}

/** A key for the call, or null when an option is not a plain string, number or boolean (not safe to remember). */
function cacheKeyOf(key: string | string[], options?: Record<string, unknown>): string | null {
  const base = Array.isArray(key) ? key.join("\u0001") : key;
  if (typeof base !== "string") return null;
  if (options === undefined || options === null) return base;
  if (typeof options !== "object") return null;
  let cacheKey = base;
  for (const name in options) {
    const value = options[name];
    const kind = typeof value;
    if (kind !== "string" && kind !== "number" && kind !== "boolean" && value !== undefined) return null;
    cacheKey += `\u0000${name}\u0002${String(value)}`;
  }
  return cacheKey;
}
