import { z } from "zod";
import { visibilities } from "./models/group.ts";
import { groupRoles, notificationLevels } from "./models/membership.ts";
import { slugPattern } from "./slugs.ts";

const optionalId = z
  .string()
  .optional()
  .transform((value, context) => {
    if (!value) return null;
    if (!/^[1-9]\d{0,9}$/.test(value)) {
      context.addIssue({ code: "custom", message: "validation:invalid" });
      return z.NEVER;
    }
    return Number(value);
  });

export const groupForm = z.object({
  name: z.string().trim().min(2, "groups:errors.nameRequired").max(100, "validation:tooLong"),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value) => value || null)
    .refine((value) => value === null || slugPattern.test(value), "groups:errors.slugInvalid"),
  description: z.string().trim().max(5000, "validation:tooLong").default(""),
  visibility: z.enum(visibilities, "groups:errors.visibility"),
  categoryId: optionalId,
  tags: z.string().trim().max(300, "validation:tooLong").default(""),
});

export const settingsForm = groupForm.extend({ isDefault: z.literal("1").optional() });

export const proposalForm = groupForm.pick({ name: true, description: true, visibility: true }).extend({
  reason: z.string().trim().max(500, "validation:tooLong").default(""),
});

export const requestForm = z.object({ message: z.string().trim().max(500, "validation:tooLong").default("") });
export const inviteForm = z.object({ people: z.string().trim().min(1, "groups:errors.inviteesCount").max(5000, "validation:tooLong") });
export const roleForm = z.object({ role: z.enum(groupRoles, "groups:errors.role") });
export const preferencesForm = z.object({
  notificationLevel: z.enum(notificationLevels, "validation:invalid"),
  showOnDashboard: z.literal("1").optional(),
});
/** Leaving; a sole owner names who takes the group over. */
export const leaveForm = z.object({ newOwner: optionalId });
export const deleteForm = z.object({ confirm: z.string().trim() });
export const shareForm = z.object({ target: z.string().regex(/^[1-9]\d{0,9}$/, "groups:errors.shareTarget") });
