import Router from "@koa/router";
import { z } from "zod";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { requireUser, safeNext } from "../auth/current-user.ts";
import { HttpError, notFound } from "../http/errors.ts";
import { ModuleError } from "../modules/registry.ts";
import { validateForm, type FieldErrors } from "./form.ts";
import { flash } from "../views/render.ts";
import { policyOf } from "../content/request.ts";
import { ContentWriter } from "../content/writer.ts";
import { moduleKind, pickerComposer, type ModuleKind } from "../content/composer.ts";
import { discardReceivedUploads, discardUploads, receiveFormOrRefusal } from "../content/attachments/uploads.ts";
import { addressCarriesToken, redirectRefused, takeRefusedForm } from "../content/attachments/refused-forms.ts";
import { postBodyMaxLength, readableTarget } from "./posts.ts";

/** What core reads of every kind's form: where it goes, where to come back, and its text box. */
const composeForm = z.object({
  target: z.string().regex(/^[a-z][a-z0-9-]{0,31}:\d{1,10}$/, "stream:errors.target"),
  returnTo: z.string().optional(),
  body: z
    .string()
    .trim()
    .max(postBodyMaxLength, "stream:errors.bodyTooLong")
    .optional()
    .transform((value) => value || null),
});

/** A refused form's fields kept for the page it is sent back to: what was typed, bounded (keepRefusedForm bounds each). */
const keptFields = (body: Record<string, unknown>) => Object.keys(body).filter((field) => field !== "_csrf").slice(0, 30);

/** A kind's submit that refuses: a 4xx HttpError, or a ModuleError (its message a translation key, answered 409). */
function refusalOf(error: unknown): { status: number; messageKey: string } | null {
  if (error instanceof HttpError) return error.status >= 400 && error.status <= 499 ? { status: error.status, messageKey: error.messageKey } : null;
  if (error instanceof ModuleError && /^[a-z][a-z0-9-]*:[A-Za-z0-9_.-]+$/.test(error.message)) return { status: 409, messageKey: error.message };
  return null;
}

/**
 * A module's kind of content written from core's composer (ContentTypeDefinition.composer): GET shows the
 * kind on its own page (a refused form comes back there), POST checks the container, the module's switch
 * there and the fields, then the kind writes through the content API.
 */
export function composeRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  const writer = new ContentWriter(services.sequelize, services.registry);

  function kindOf(type: string): ModuleKind {
    const kind = moduleKind(services.registry, type);
    if (!kind) throw notFound();
    return kind;
  }

  async function renderKind(ctx: AppContext, kind: ModuleKind, status: number, values: Record<string, unknown>, errors: FieldErrors) {
    const policy = policyOf(ctx, services.registry);
    const returnTo = typeof values.returnTo === "string" ? values.returnTo : "/";
    const composer = await pickerComposer(services.registry, policy, ctx.state.t, { here: "/", returnTo, kind: kind.type });
    ctx.status = status;
    await ctx.render("stream/compose.njk", { title: ctx.state.t(kind.composer.label), composer, values, errors });
    ctx.status = status;
  }

  // Nothing typed is lost: the kind's page again, filled in, with the reasons (a multipart form's address carries its token: redirected).
  async function renderRefused(ctx: AppContext, kind: ModuleKind, status: number, errors: FieldErrors) {
    await discardReceivedUploads(ctx);
    if (addressCarriesToken(ctx)) return redirectRefused(ctx, `compose:${kind.type}`, status, errors, keptFields(ctx.state.body), `/compose/${kind.type}#refused`);
    const { _csrf, ...values } = ctx.state.body;
    await renderKind(ctx, kind, status, values, errors);
  }

  router.get("/compose/:type", requireUser, async (ctx) => {
    const kind = kindOf(ctx.params.type);
    const refused = takeRefusedForm(ctx, `compose:${kind.type}`);
    await renderKind(ctx, kind, refused?.status ?? 200, refused?.values ?? {}, refused?.errors ?? {});
  });

  router.post("/compose/:type", requireUser, async (ctx) => {
    const kind = kindOf(ctx.params.type);
    const { uploads, refusal } = await receiveFormOrRefusal(ctx, services.config);
    const base = validateForm(composeForm, ctx.state.body);
    const own = validateForm(kind.composer.fields, ctx.state.body);
    const text = kind.composer.text === false ? null : (base.data?.body ?? null);
    const required: FieldErrors = kind.composer.text !== false && kind.composer.text?.required && base.data && !text ? { body: "stream:errors.bodyRequired" } : {};
    const errors: FieldErrors = { ...own.errors, ...required, ...base.errors };
    if (refusal) return renderRefused(ctx, kind, refusal.status, { ...refusal.errors, ...errors });
    const policy = policyOf(ctx, services.registry);
    const container = base.data ? await readableTarget(services, policy, base.data.target) : null;
    if (base.data && !container) errors.target = "stream:errors.target";
    if (!base.data || !own.data || !container || Object.keys(errors).length > 0) return renderRefused(ctx, kind, 422, errors);
    if (!(await writer.mayCreate(policy, kind.createPermission, container!))) return renderRefused(ctx, kind, 403, { target: "stream:errors.cannotPost" });
    if (!(await services.registry.isEnabledIn(kind.moduleId, container!))) return renderRefused(ctx, kind, 403, { target: "stream:compose.kindUnavailable" });
    if (!kind.composer.files) await discardUploads(uploads);
    let content;
    try {
      content = await kind.composer.submit({ actor: policy, container: container!, text, fields: own.data, uploads: kind.composer.files ? uploads : [] });
    } catch (error) {
      // The kind refused what was sent (a 4xx HttpError: a limit reached, a rule broken): answered like a refused
      // field, the form filled in again with its message at the top; anything else is a fault, not a refusal.
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      if (kind.composer.files) await discardUploads(uploads);
      return renderRefused(ctx, kind, refusal.status, { form: refusal.messageKey });
    }
    flash(ctx, "success", "stream:posted");
    ctx.redirect(base.data.returnTo ? safeNext(base.data.returnTo) : `/c/${content.id}`);
    ctx.status = 303;
  });

  return router;
}
