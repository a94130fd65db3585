import path from "node:path";
import nunjucks from "nunjucks";
import { emptySummary } from "../content/reactions/summary.ts";
import { avatarHtml } from "../people/faces.ts";
import type { SiteSettings } from "../settings.ts";
import type { Theme } from "./themes.ts";

const coreTemplates = path.resolve(import.meta.dirname, "../templates");

type DateStyle = "short" | "medium" | "long";

// Building an Intl formatter costs more than formatting with it: one per language and style, reused.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

// Day before month, month in letters, 24-hour clock: "5 Dec 2026, 02:20", never "12/5/26, 2:20 AM",
// which a reader outside the US takes for 12 May. British English writes English dates that way.
const dateLocales: Record<string, string> = { en: "en-GB" };
const relativeSteps: [Intl.RelativeTimeFormatUnit, number][] = [["second", 60], ["minute", 60], ["hour", 24], ["day", 7]];

function dateFormat(lang: string, style: DateStyle) {
  const key = `${lang}|${style}`;
  let format = dateFormats.get(key);
  if (!format) {
    const time: Intl.DateTimeFormatOptions = style === "long" ? {} : { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    format = new Intl.DateTimeFormat(dateLocales[lang] ?? lang, { day: "numeric", month: style === "long" ? "long" : "short", year: "numeric", ...time });
    dateFormats.set(key, format);
  }
  return format;
}

/** "5 min ago" / "il y a 5 min" for the last 7 days, else null (then the exact date reads better). */
export function relativeTime(date: Date, lang: string, now = Date.now()): string | null {
  let amount = (date.getTime() - now) / 1000;
  if (amount > 60) return null; // in the future beyond clock skew: say the date
  for (const [unit, size] of relativeSteps) {
    if (Math.abs(amount) < size) {
      const format = new Intl.RelativeTimeFormat(dateLocales[lang] ?? lang, { numeric: "auto", style: "short" });
      return unit === "second" ? format.format(0, "second") : format.format(Math.round(amount), unit);
    }
    amount /= size;
  }
  return null;
}

/**
 * `{{ value | when(lang) }}`: a <time> with the exact date in datetime and title, reading as a relative
 * time for recent items ("5 min ago"); the page's script keeps it current (themes/default/static/js/times.js).
 * `{{ value | stamp(lang) }}` is the same for HTML that is cached (stream entries): it says the exact date,
 * which never goes stale, and the script turns it relative in the browser.
 */
export function timeElement(value: Date | string | number | null | undefined, lang: string, isCached = false): nunjucks.runtime.SafeString | string {
  if (value === null || value === undefined || value === "") return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  const exact = formatDate(date, lang, "short");
  const shown = isCached ? exact : (relativeTime(date, lang) ?? exact);
  const escape = (text: string) => text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
  return new nunjucks.runtime.SafeString(`<time datetime="${date.toISOString()}" title="${escape(exact)}" data-relative>${escape(shown)}</time>`);
}

function numberFormat(lang: string) {
  let format = numberFormats.get(lang);
  if (!format) {
    format = new Intl.NumberFormat(lang);
    numberFormats.set(lang, format);
  }
  return format;
}

/** `{{ value | date(lang, style) }}`: "long" is the date alone; nothing for a missing or invalid date, never a broken page. */
export function formatDate(value: Date | string | number | null | undefined, lang: string, style: DateStyle = "medium"): string {
  if (value === null || value === undefined || value === "") return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  return dateFormat(lang, style).format(date);
}

/** `{{ value | number(lang) }}`: grouping and decimals of the reader's locale; nothing for a non-number. */
export function formatNumber(value: number | string | null | undefined, lang: string): string {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof number === "number" && Number.isFinite(number) ? numberFormat(lang).format(number) : "";
}

/** More distinct keys than a page can use means a key is built wrongly: start over rather than grow. */
const fragmentCacheLimit = 500;

/**
 * `{{ fragment("reactions/picker-options.njk", key, locals) }}`: renders a small template that repeats
 * many times on a page once per key (e.g. language and the viewer's choice) and reuses the HTML. The key
 * must name everything the output depends on; csrfToken and anything per request or per item do not
 * belong in such a fragment. Not remembered in development, where templates are re-read on change.
 */
function fragmentRenderer(environment: nunjucks.Environment, remember: boolean) {
  const rendered = new Map<string, string>();
  return (name: string, key: string, locals: object) => {
    const cacheKey = `${name}\u0000${key}`;
    let html = remember ? rendered.get(cacheKey) : undefined;
    if (html === undefined) {
      html = environment.render(name, locals);
      if (rendered.size >= fragmentCacheLimit) rendered.clear();
      if (remember) rendered.set(cacheKey, html);
    }
    return new nunjucks.runtime.SafeString(html);
  };
}

/** Template lookup: active theme → parent themes → modules → core; the first match wins. */
export function createTemplateEnvironment(themes: Theme[], moduleTemplateDirectories: string[], isDevelopment: boolean) {
  const searchPaths = [...themes.map((theme) => path.join(theme.directory, "templates")), ...moduleTemplateDirectories, coreTemplates];
  const loader = new nunjucks.FileSystemLoader(searchPaths, { noCache: isDevelopment });
  const environment = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true });
  environment.addFilter("date", formatDate);
  environment.addFilter("when", (value: Parameters<typeof timeElement>[0], lang: string) => timeElement(value, lang));
  environment.addFilter("stamp", (value: Parameters<typeof timeElement>[0], lang: string) => timeElement(value, lang, true));
  environment.addFilter("number", formatNumber);
  environment.addGlobal("fragment", fragmentRenderer(environment, !isDevelopment));
  // Called with the page's context as `this` (nunjucks does), where the site's settings are.
  environment.addGlobal("avatar", function (this: { ctx?: { site?: Partial<SiteSettings> } } | undefined, person: Parameters<typeof avatarHtml>[0], size?: string) {
    return new nunjucks.runtime.SafeString(avatarHtml(person, this?.ctx?.site, size));
  });
  // Every kind, none chosen: the page's one set of reaction buttons (<template id="reaction-options"> in layout.njk).
  environment.addGlobal("reactionChoices", emptySummary("", "", true).kinds);
  return environment;
}
