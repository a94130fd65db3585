import { z } from "zod";
import type { SettingFields } from "../../core/sdk/index.ts";

const whole = (min: number, max: number, message: string) => z.coerce.number().int(message).min(min, message).max(max, message);

/** The site's rules for kudos and rankings, on Admin → Modules → Settings. */
export const siteSettings = {
  dailyLimit: { label: "recognition:settings.dailyLimit", hint: "recognition:settings.dailyLimitHint", input: "number", schema: whole(1, 100, "recognition:errors.dailyLimitSetting"), default: 5 },
  pairMonthlyCap: { label: "recognition:settings.pairMonthlyCap", hint: "recognition:settings.pairMonthlyCapHint", input: "number", schema: whole(1, 100, "recognition:errors.pairCapSetting"), default: 3 },
  showRankings: { label: "recognition:settings.showRankings", hint: "recognition:settings.showRankingsHint", input: "checkbox", schema: z.boolean(), default: true },
} satisfies SettingFields;
