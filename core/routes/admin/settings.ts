import Router from "@koa/router";
import type { IncomingMessage, ServerResponse } from "node:http";
import multer from "multer";
import { z } from "zod";
import type { AppContext, AppContextExtras, AppState } from "../../http/context.ts";
import type { AppServices } from "../../services.ts";
import { registrationModes } from "../../settings.ts";
import { supportedLanguages, type Language } from "../../../config/index.ts";
import { LogoRejectedError, logoMaxBytes, updateSiteSettings } from "../../commands/site-settings-updater.ts";
import { validateForm, type FieldErrors } from "../form.ts";
import { flash } from "../../views/render.ts";
import { parseHostList } from "../../content/link-previews/addresses.ts";

export const welcomeMaxLength = 5000;
const welcomeField = (language: Language) => `welcomeText_${language}`;

const settingsForm = z.object({
  siteName: z.string().trim().min(1, "validation:required").max(100, "validation:tooLong"),
  registrationMode: z.enum(registrationModes),
  defaultLanguage: z.enum(supportedLanguages),
  removeLogo: z.literal("1").optional(),
  linkPreviews: z.literal("1").optional(),
  linkPreviewHosts: z
    .string()
    .max(2000, "validation:tooLong")
    .default("")
    .refine((text) => text.split(/[\s,]+/).filter(Boolean).length === parseHostList(text).length, "admin:settings.errors.previewHosts"),
  // One welcome text per language (welcomeText_en, welcomeText_fr): each newcomer reads theirs, else the site's language's.
  ...Object.fromEntries(supportedLanguages.map((language) => [welcomeField(language), z.string().trim().max(welcomeMaxLength, "validation:tooLong").default("")])),
});

// In memory: a refused or failed upload never touches the disk. The file limit makes busboy stop reading early.
// Plain multer behind a promise: @koa/multer's type declarations widen Koa's context for the whole program.
const multerUpload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: logoMaxBytes, files: 1, fields: 12, fieldSize: 24_000, parts: 14 },
}).single("logo") as unknown as (req: IncomingMessage, res: ServerResponse, done: (error?: unknown) => void) => void;

type UploadedRequest = IncomingMessage & { body?: Record<string, unknown>; file?: { buffer: Buffer } };

function upload(ctx: AppContext): Promise<UploadedRequest> {
  return new Promise((resolve, reject) => multerUpload(ctx.req, ctx.res, (error) => (error ? reject(error) : resolve(ctx.req as UploadedRequest))));
}

const template = "admin/settings.njk";

/** The welcome texts the form carried, by language; empty ones are left out (the newcomer gets another language's, or the built-in greeting). */
function welcomeTexts(data: Record<string, unknown>): Partial<Record<Language, string>> {
  return Object.fromEntries(supportedLanguages.flatMap((language) => (data[welcomeField(language)] ? [[language, String(data[welcomeField(language)])]] : [])));
}

/** What the settings page needs besides the values: the choices, with translated labels. */
function pageLocals(ctx: AppContext) {
  const { t } = ctx.state;
  const languageOptions = supportedLanguages.map((language) => ({ value: language, label: t(`admin:settings.languages.${language}`) }));
  return { title: t("admin:settings.title"), registrationModes, languageOptions, welcomeFields: languageOptions.map((option) => ({ ...option, name: welcomeField(option.value) })) };
}

/** Reads a multipart body into ctx.state.body (and the logo bytes); anything unreadable or too large is refused. */
async function readMultipart(ctx: AppContext): Promise<{ logo: Buffer | null } | { status: number; error: string }> {
  let request: UploadedRequest;
  try {
    request = await upload(ctx);
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === "LIMIT_FILE_SIZE" ? { status: 413, error: "admin:settings.errors.logoTooLarge" } : { status: 400, error: "admin:settings.errors.form" };
  }
  ctx.state.body = { ...request.body };
  return { logo: request.file?.buffer ?? null };
}

async function renderRefused(ctx: AppContext, status: number, errors: FieldErrors, values: Record<string, unknown>) {
  ctx.status = status;
  await ctx.render(template, { ...pageLocals(ctx), values, errors });
  ctx.status = status;
}

/** /admin/settings: site name, logo, registration mode and default language. */
export function settingsRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();

  router.get("/admin/settings", async (ctx) => {
    const settings = await services.settings.get();
    const values = { ...settings, ...Object.fromEntries(supportedLanguages.map((language) => [welcomeField(language), settings.welcomeText[language] ?? ""])) };
    await ctx.render(template, { ...pageLocals(ctx), values, errors: {} });
  });

  router.post("/admin/settings", async (ctx) => {
    let logo: Buffer | null = null;
    if (ctx.is("multipart")) {
      const read = await readMultipart(ctx);
      if ("error" in read) return renderRefused(ctx, read.status, { logo: read.error }, { ...(await services.settings.get()) });
      logo = read.logo;
    }
    const { data, errors } = validateForm(settingsForm, ctx.state.body);
    // What the admin typed comes back; the logo shown stays the saved one.
    const typed = async () => ({ ...ctx.state.body, _csrf: undefined, logoFile: (await services.settings.get()).logoFile });
    if (!data) return renderRefused(ctx, 422, errors, await typed());
    try {
      await updateSiteSettings(services, ctx.state.user!, { ...data, logo, removeLogo: data.removeLogo === "1", linkPreviews: data.linkPreviews === "1", linkPreviewHosts: parseHostList(data.linkPreviewHosts).join("\n"), welcomeText: welcomeTexts(data) });
    } catch (error) {
      if (!(error instanceof LogoRejectedError)) throw error;
      return renderRefused(ctx, 422, { logo: error.messageKey }, await typed());
    }
    flash(ctx, "success", "admin:settings.saved");
    ctx.redirect("/admin/settings");
  });
  return router;
}
