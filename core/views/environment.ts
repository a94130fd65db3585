import path from "node:path";
import nunjucks from "nunjucks";
import type { Theme } from "./themes.ts";

const coreTemplates = path.resolve(import.meta.dirname, "../templates");

type DateStyle = "short" | "medium" | "long";

// Building an Intl formatter costs more than formatting with it: one per language and style, reused.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function dateFormat(lang: string, style: DateStyle) {
  const key = `${lang}|${style}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { dateStyle: style, timeStyle: style === "long" ? undefined : "short" });
    dateFormats.set(key, format);
  }
  return format;
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

/** Template lookup: active theme → parent themes → modules → core; the first match wins. */
export function createTemplateEnvironment(themes: Theme[], moduleTemplateDirectories: string[], isDevelopment: boolean) {
  const searchPaths = [...themes.map((theme) => path.join(theme.directory, "templates")), ...moduleTemplateDirectories, coreTemplates];
  const loader = new nunjucks.FileSystemLoader(searchPaths, { noCache: isDevelopment });
  const environment = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true });
  environment.addFilter("date", formatDate);
  environment.addFilter("number", formatNumber);
  return environment;
}
