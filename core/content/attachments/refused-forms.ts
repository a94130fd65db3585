import type { AppContext } from "../../http/context.ts";

/**
 * A refused multipart form, kept in the session for the page the browser is sent back to. Multipart forms
 * carry their CSRF token in their address (`?_csrf=`, core/auth/csrf.ts: their body is read after the check),
 * so a refused one answered in place would leave the token in the address bar, the history and the Referer
 * of any link followed from there. Such a form is redirected to a clean address instead, which shows it
 * again from here: the text typed, the reason, and the refusal's status.
 */
export interface RefusedForm {
  /** Which form this is, e.g. "post" or "edit:12": a page shows only its own. */
  form: string;
  status: number;
  values: Record<string, string | string[]>;
  /** Field → translation key of why it was refused. */
  errors: Record<string, string>;
}

/** Whether the request's address carries the form token: then its answer must be a redirect. */
export function addressCarriesToken(ctx: AppContext): boolean {
  return ctx.query._csrf !== undefined;
}

/** The most a kept field holds: above any field a form takes (a post is 20,000 characters), so nothing real is cut. */
const maxKeptLength = 50_000;
const maxKeptValues = 100;

/** Only the named fields, as strings or lists of strings, each bounded: a hostile body cannot fill the session. */
function keptValues(body: Record<string, unknown>, fields: readonly string[]): RefusedForm["values"] {
  const values: RefusedForm["values"] = {};
  for (const field of fields) {
    const value = body[field];
    if (typeof value === "string") values[field] = value.slice(0, maxKeptLength);
    else if (Array.isArray(value)) values[field] = value.filter((item): item is string => typeof item === "string").slice(0, maxKeptValues).map((item) => item.slice(0, 100));
  }
  return values;
}

/** Keeps a refused form (these fields of ctx.state.body) for the next page that asks for it. */
export function keepRefusedForm(ctx: AppContext, form: string, status: number, errors: Record<string, string>, fields: readonly string[]) {
  if (!ctx.session) return;
  const kept: RefusedForm = { form, status, values: keptValues(ctx.state.body, fields), errors };
  ctx.session.refusedForm = kept;
}

/** The refused form kept for this form, once: showing it takes it out of the session (like a flash message). */
export function takeRefusedForm(ctx: AppContext, form: string): RefusedForm | null {
  const kept = ctx.session?.refusedForm as RefusedForm | undefined;
  if (!kept || kept.form !== form) return null;
  delete ctx.session!.refusedForm;
  return kept;
}

/**
 * Sends the browser to `url` (with the anchor of its error box) that shows the refused form again: its
 * address carried the form token, which must not stay in the address bar.
 */
export function redirectRefused(ctx: AppContext, form: string, status: number, errors: Record<string, string>, fields: readonly string[], url: string) {
  keepRefusedForm(ctx, form, status, errors, fields);
  ctx.redirect(url);
  ctx.status = 303;
}
