import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import test from "ava";

/**
 * Static checks of the translation catalogues: French is as complete as English, and every key the
 * code and templates name exists. Dynamic keys (t(variable)) cannot be checked here.
 */

const root = path.resolve(import.meta.dirname, "..");
const coreLocales = path.join(root, "core/locales");

type Catalogue = { [key: string]: string | Catalogue };

const readJson = (file: string): Catalogue => JSON.parse(readFileSync(file, "utf8"));

/** Every leaf as "a.b.c" → value; a non-string leaf is reported as such. */
function flatten(catalogue: Catalogue, prefix = ""): Map<string, unknown> {
  const leaves = new Map<string, unknown>();
  for (const [key, value] of Object.entries(catalogue)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === "object" && !Array.isArray(value)) for (const [k, v] of flatten(value, full)) leaves.set(k, v);
    else leaves.set(full, value);
  }
  return leaves;
}

const variablesOf = (text: string) => [...new Set([...text.matchAll(/\{\{\s*-?\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]))].sort();

/** French has a "many" plural form English lacks; it is not an extra key. */
const isFrenchOnlyPlural = (key: string, english: Map<string, unknown>) => key.endsWith("_many") && english.has(key.replace(/_many$/, "_other"));

/** Differences between an English and a French catalogue, one readable line each. */
function compareCatalogues(label: string, english: Catalogue, french: Catalogue): string[] {
  const en = flatten(english);
  const fr = flatten(french);
  const problems: string[] = [];
  for (const [key, value] of en) {
    if (typeof value !== "string") problems.push(`${label}: en "${key}" is not a string`);
    else if (value.trim() === "") problems.push(`${label}: en "${key}" is empty`);
    const translated = fr.get(key);
    if (translated === undefined) {
      problems.push(`${label}: fr is missing "${key}"`);
      continue;
    }
    if (typeof translated !== "string") problems.push(`${label}: fr "${key}" is not a string`);
    else if (translated.trim() === "") problems.push(`${label}: fr "${key}" is empty`);
    else if (typeof value === "string" && variablesOf(value).join() !== variablesOf(translated).join()) {
      problems.push(`${label}: "${key}" uses {{${variablesOf(value).join(", ")}}} in en but {{${variablesOf(translated).join(", ")}}} in fr`);
    }
  }
  for (const [key, value] of fr) {
    if (en.has(key)) continue;
    if (isFrenchOnlyPlural(key, en)) {
      if (typeof value !== "string" || value.trim() === "") problems.push(`${label}: fr "${key}" is empty`);
      continue;
    }
    problems.push(`${label}: fr has "${key}", which en does not`);
  }
  return problems;
}

function moduleLocaleFolders(): { id: string; directory: string }[] {
  const folders: { id: string; directory: string }[] = [];
  for (const base of ["modules", "test/fixtures/modules"]) {
    const absolute = path.join(root, base);
    if (!existsSync(absolute)) continue;
    for (const id of readdirSync(absolute).sort()) {
      const directory = path.join(absolute, id, "locales");
      if (existsSync(directory) && statSync(directory).isDirectory()) folders.push({ id, directory: path.relative(root, directory) });
    }
  }
  return folders;
}

/** Namespace → flattened English catalogue: core namespaces and one per module (its id). */
function englishCatalogues(): Map<string, Map<string, unknown>> {
  const catalogues = new Map<string, Map<string, unknown>>();
  for (const file of readdirSync(path.join(coreLocales, "en")).filter((f) => f.endsWith(".json"))) {
    catalogues.set(file.replace(/\.json$/, ""), flatten(readJson(path.join(coreLocales, "en", file))));
  }
  for (const { id, directory } of moduleLocaleFolders()) {
    const file = path.join(root, directory, "en.json");
    if (existsSync(file)) catalogues.set(id, flatten(readJson(file)));
  }
  return catalogues;
}

function filesUnder(folder: string, extensions: string[]): string[] {
  const absolute = path.join(root, folder);
  if (!existsSync(absolute)) return [];
  return (readdirSync(absolute, { recursive: true }) as string[])
    .filter((file) => extensions.some((ext) => file.endsWith(ext)) && !file.split(path.sep).includes("node_modules") && !file.endsWith(".test.ts"))
    .map((file) => path.join(folder, file));
}

const sourceFiles = () => [
  ...filesUnder("core", [".ts", ".njk"]),
  ...filesUnder("themes", [".njk"]),
  ...filesUnder("modules", [".ts", ".njk"]),
  ...filesUnder("test/fixtures/modules", [".ts", ".njk"]),
];

/** A key exists as written, or as the plural forms i18next picks from with {count}. */
function keyExists(catalogues: Map<string, Map<string, unknown>>, namespace: string, key: string) {
  const catalogue = catalogues.get(namespace);
  if (!catalogue) return false;
  return catalogue.has(key) || (catalogue.has(`${key}_one`) && catalogue.has(`${key}_other`));
}

function missingKeys(pattern: RegExp, knownNamespacesOnly: boolean): { missing: string[]; checked: number } {
  const catalogues = englishCatalogues();
  const missing = new Set<string>();
  let checked = 0;
  for (const file of sourceFiles()) {
    const text = readFileSync(path.join(root, file), "utf8");
    for (const match of text.matchAll(pattern)) {
      const literal = match[2];
      // "ns:prefix." + variable is a dynamic key: only its prefix is written out.
      if (literal.endsWith(".") || /^\s*[+~]/.test(text.slice((match.index ?? 0) + match[0].length))) continue;
      const [namespace, key] = literal.includes(":") ? literal.split(":", 2) : ["common", literal];
      if (knownNamespacesOnly && !catalogues.has(namespace)) continue;
      checked += 1;
      if (!keyExists(catalogues, namespace, key)) missing.add(`${namespace}:${key} (${file})`);
    }
  }
  return { missing: [...missing].sort(), checked };
}

test("every core namespace has a French file with the same keys, no empty values and the same variables", (t) => {
  const english = readdirSync(path.join(coreLocales, "en")).filter((f) => f.endsWith(".json")).sort();
  const french = readdirSync(path.join(coreLocales, "fr")).filter((f) => f.endsWith(".json")).sort();
  t.true(english.length > 0);
  t.deepEqual(french, english, "the same namespace files in en and fr");
  const problems = english
    .filter((file) => french.includes(file))
    .flatMap((file) => compareCatalogues(`core/locales/*/${file}`, readJson(path.join(coreLocales, "en", file)), readJson(path.join(coreLocales, "fr", file))));
  t.deepEqual(problems, []);
});

test("every module (and fixture module) ships en.json and fr.json with the same keys", (t) => {
  const folders = moduleLocaleFolders();
  t.true(folders.length > 0, "at least the fixture modules have catalogues");
  const problems: string[] = [];
  for (const { directory } of folders) {
    const en = path.join(root, directory, "en.json");
    const fr = path.join(root, directory, "fr.json");
    if (!existsSync(en) || !existsSync(fr)) {
      problems.push(`${directory}: needs both en.json and fr.json`);
      continue;
    }
    problems.push(...compareCatalogues(directory, readJson(en), readJson(fr)));
  }
  t.deepEqual(problems, []);
});

test('every t("namespace:key") literal in code and templates exists in the English catalogue', (t) => {
  const { missing, checked } = missingKeys(/\bt\(\s*(["'])([\w-]+:[\w.-]+|[\w-]+(?:\.[\w-]+)+)\1/g, false);
  t.true(checked > 100, `the scan found ${checked} keys`);
  t.deepEqual(missing, []);
});

test("every other namespaced key literal (errors, flashes, validation messages, menu labels) exists too", (t) => {
  // Any quoted "ns:key.path" whose namespace is a catalogue: HttpError keys, flash(), zod messages, menus.
  const { missing, checked } = missingKeys(/(["'`])([a-z][\w-]*:[a-zA-Z][\w-]*(?:\.[\w-]+)*)\1/g, true);
  t.true(checked > 100, `the scan found ${checked} keys`);
  t.deepEqual(missing, []);
});

test("the catalogue checks can fail", (t) => {
  const problems = compareCatalogues("sample", { a: { b: "Hello {{name}}", c: "x" }, d: "y" }, { a: { b: "Bonjour {{nom}}" }, d: " ", e: "z" });
  t.deepEqual(problems.sort(), [
    'sample: "a.b" uses {{name}} in en but {{nom}} in fr',
    'sample: fr "d" is empty',
    'sample: fr has "e", which en does not',
    'sample: fr is missing "a.c"',
  ]);
});
