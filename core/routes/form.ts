import type { z } from "zod";
import type { AppContext } from "../http/context.ts";

export type FieldErrors = Record<string, string>;

/** Validates a form body; on failure returns field errors as translation keys, first error per field. */
export function validateForm<T extends z.ZodType>(schema: T, body: Record<string, unknown>): { data: z.infer<T>; errors: null } | { data: null; errors: FieldErrors } {
  const result = schema.safeParse(body);
  if (result.success) return { data: result.data, errors: null };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message.includes(":") ? issue.message : "validation:invalid";
  }
  return { data: null, errors };
}

/** Re-renders a form with what the user typed (never the password) and a 422, so nothing typed is lost. */
export async function renderInvalid(ctx: AppContext, template: string, errors: FieldErrors, locals: Record<string, unknown> = {}) {
  const { password, passwordConfirm, _csrf, ...values } = ctx.state.body;
  ctx.status = 422;
  await ctx.render(template, { ...locals, values, errors });
  ctx.status = 422;
}
