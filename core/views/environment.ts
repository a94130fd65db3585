import path from "node:path";
import nunjucks from "nunjucks";
import type { Theme } from "./themes.ts";

const coreTemplates = path.resolve(import.meta.dirname, "../templates");

/** Template lookup: active theme → parent themes → modules → core; the first match wins. */
export function createTemplateEnvironment(themes: Theme[], moduleTemplateDirectories: string[], isDevelopment: boolean) {
  const searchPaths = [...themes.map((theme) => path.join(theme.directory, "templates")), ...moduleTemplateDirectories, coreTemplates];
  const loader = new nunjucks.FileSystemLoader(searchPaths, { noCache: isDevelopment });
  const environment = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true });
  environment.addFilter("date", (value: Date | string | null, lang: string, style: "short" | "medium" | "long" = "medium") =>
    value ? new Intl.DateTimeFormat(lang, { dateStyle: style, timeStyle: style === "long" ? undefined : "short" }).format(new Date(value)) : "",
  );
  environment.addFilter("number", (value: number, lang: string) => new Intl.NumberFormat(lang).format(value));
  return environment;
}
