import type { Transaction } from "sequelize";
import { ModuleSetting } from "../models/module-setting.ts";
import type { ModuleSettingsDefinition, ModuleSettingsReader, SettingFields, SettingsContainer, SettingValues } from "./setting-types.ts";

const cacheMs = 5_000;
const cache = new Map<string, { values: Record<string, unknown>; readAt: number }>();

/** "" for the site, "<type>:<id>" for a container: the row's scope_key. */
export function settingsScopeKey(container?: SettingsContainer | null): string {
  return container ? `${container.type}:${container.id}` : "";
}

/** The fields a module declared for the site (no container) or for containers of this type; null when none. */
export function declaredSettings(definition: { settings?: ModuleSettingsDefinition } | null, containerType?: string | null): SettingFields | null {
  const fields = definition?.settings?.[containerType ?? "instance"];
  return fields && Object.keys(fields).length > 0 ? fields : null;
}

/** Saved values over the defaults; a saved value the field's schema no longer accepts reads as the default. */
function withDefaults<F extends SettingFields>(fields: F, stored: Record<string, unknown>): SettingValues<F> {
  const values: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const parsed = name in stored ? field.schema.safeParse(stored[name]) : null;
    values[name] = parsed?.success ? parsed.data : field.default;
  }
  return values as SettingValues<F>;
}

async function storedValues(moduleId: string, scopeKey: string): Promise<Record<string, unknown>> {
  const key = `${moduleId}|${scopeKey}`;
  const cached = cache.get(key);
  if (cached && Date.now() - cached.readAt < cacheMs) return cached.values;
  const row = await ModuleSetting.findOne({ where: { moduleId, scopeKey }, attributes: ["values"] });
  const values = row ? (JSON.parse(row.values) as Record<string, unknown>) : {};
  cache.set(key, { values, readAt: Date.now() });
  return values;
}

/** Reads a module's settings; another process's save shows within five seconds. */
export async function readSettings<F extends SettingFields>(moduleId: string, fields: F, container?: SettingsContainer | null): Promise<SettingValues<F>> {
  return withDefaults(fields, await storedValues(moduleId, settingsScopeKey(container)));
}

/** host.settings for one module: only the fields it declared for a scope may be read for that scope. */
export function settingsReader(moduleId: string, definition: () => { settings?: ModuleSettingsDefinition } | null): ModuleSettingsReader {
  return {
    async read(fields, container) {
      if (declaredSettings(definition(), container?.type) !== fields) {
        throw new Error(`module "${moduleId}": read() takes the settings object declared for ${container ? `"${container.type}"` : "instance"}`);
      }
      return readSettings(moduleId, fields, container);
    },
  };
}

/** What the settings form's checkbox sends when ticked (core/templates/modules/settings.njk). */
export const checkboxOn = "1";

/**
 * Checks a settings form: each field through its schema (a checkbox is true when it sends checkboxOn, false
 * when not sent at all; any other value, "false" included, is refused). Returns the values to store, or the
 * first error of each field as a translation key.
 */
export function parseSettingsForm(fields: SettingFields, body: Record<string, unknown>): { values: Record<string, unknown>; errors: null } | { values: null; errors: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [name, field] of Object.entries(fields)) {
    if (field.input === "checkbox" && name in body && body[name] !== checkboxOn) {
      errors[name] = "validation:invalid";
      continue;
    }
    const sent = field.input === "checkbox" ? body[name] === checkboxOn : typeof body[name] === "string" ? body[name] : "";
    if (field.input === "select" && !field.options?.some((option) => option.value === sent)) {
      errors[name] = "validation:invalid";
      continue;
    }
    const parsed = field.schema.safeParse(sent);
    if (parsed.success) values[name] = parsed.data;
    else errors[name] = parsed.error.issues[0]?.message.includes(":") ? parsed.error.issues[0].message : "validation:invalid";
  }
  return Object.keys(errors).length ? { values: null, errors } : { values, errors: null };
}

/** Saves one scope's values (the whole set: every declared field was on the form). */
export async function writeSettings(moduleId: string, container: SettingsContainer | null, values: Record<string, unknown>, transaction?: Transaction) {
  const scopeKey = settingsScopeKey(container);
  await ModuleSetting.upsert({ moduleId, scopeKey, values: JSON.stringify(values) }, { transaction, conflictFields: ["module_id", "scope_key"] as never });
  cache.delete(`${moduleId}|${scopeKey}`);
}

/** What a form shows: the saved values as text for its inputs. */
export function formValues(fields: SettingFields, values: Record<string, unknown>): Record<string, string | boolean> {
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.input === "checkbox" ? values[name] === true : String(values[name] ?? "")]));
}
