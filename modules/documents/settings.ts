import { z } from "zod";
import type { SettingFields } from "../../core/sdk/index.ts";

/** For the whole site, on Admin → Modules → Settings. */
export const siteSettings = {
  maxFileMb: {
    label: "documents:settings.maxFileMb",
    hint: "documents:settings.maxFileMbHint",
    input: "number",
    schema: z.coerce.number().int("documents:errors.maxFileMb").min(1, "documents:errors.maxFileMb").max(10240, "documents:errors.maxFileMb"),
    default: 100,
  },
  quotaMb: {
    label: "documents:settings.quotaMb",
    hint: "documents:settings.quotaMbHint",
    input: "number",
    schema: z.coerce.number().int("documents:errors.quotaMb").min(1, "documents:errors.quotaMb").max(10_485_760, "documents:errors.quotaMb"),
    default: 2048,
  },
} satisfies SettingFields;
