import type { z } from "zod";

// Kept apart from types.ts, which sits among the registry's imports: settings code imports only this.

/** The container a setting is read for: its type and id are its scope. */
export interface SettingsContainer {
  type: string;
  id: number;
}

/** How a setting is asked on its form. */
export type SettingInput = "text" | "textarea" | "number" | "checkbox" | "select";

/** One setting of a module: how it is asked, checked and stored (see docs/modules.md, "Settings"). */
export interface SettingField<S extends z.ZodType = z.ZodType> {
  /** Translation key of the label. */
  label: string;
  /** Translation key of a hint shown under the field. */
  hint?: string;
  input: SettingInput;
  /** A select's choices: stored value and the translation key of its label. */
  options?: { value: string; label: string }[];
  /**
   * Checks what the form sent (text; a checkbox sends true or false) and gives the value to store; its
   * messages are translation keys. A stored value it no longer accepts reads as the default.
   */
  schema: S;
  default: z.output<S>;
}

export type SettingFields = Record<string, SettingField>;
export type SettingValues<F extends SettingFields> = { [K in keyof F]: z.output<F[K]["schema"]> };

/** A module's settings: for the site ("instance"), and per container of a type it is used in ("group"...). */
export type ModuleSettingsDefinition = { instance?: SettingFields } & { [containerType: string]: SettingFields | undefined };

export interface ModuleSettingsReader {
  /**
   * The values an admin saved over the defaults, for the site (no container) or one container. `fields`
   * is the object the module declared for that scope (it gives the values their types).
   */
  read<F extends SettingFields>(fields: F, container?: SettingsContainer | null): Promise<SettingValues<F>>;
}
