import { randomBytes } from "node:crypto";
import { mkdir, rename, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileTypeFromBuffer } from "file-type";
import type { AppServices } from "../services.ts";
import type { User } from "../models/user.ts";
import type { RegistrationMode, SiteSettings } from "../settings.ts";
import type { Language } from "../../config/index.ts";
import { audit } from "./audit.ts";

/** Accepted logo formats, recognised by their content (never by name or declared type); no SVG, which can carry scripts. */
export const logoTypes: Record<string, string> = { png: "image/png", jpg: "image/jpeg", webp: "image/webp", gif: "image/gif" };
export const logoMaxBytes = 2 * 1024 * 1024;
/** Only names this command makes are ever read or deleted. */
const logoNamePattern = /^[a-f0-9]{32}\.(png|jpg|webp|gif)$/;

export class LogoRejectedError extends Error {
  constructor(readonly messageKey: string) {
    super(messageKey);
  }
}

export interface SiteSettingsInput {
  siteName: string;
  registrationMode: RegistrationMode;
  defaultLanguage: Language;
  /** New logo bytes, or null to keep (or remove, with removeLogo) the current one. */
  logo: Buffer | null;
  removeLogo: boolean;
  linkPreviews: boolean;
  /** One host a line, already checked (core/content/link-previews/addresses.ts parseHostList). */
  linkPreviewHosts: string;
  /** Markdown by language, already trimmed and bounded; rendered (sanitised) when shown. */
  welcomeText: Partial<Record<Language, string>>;
}

export function siteLogoDirectory(uploadsDir: string) {
  return path.join(uploadsDir, "site");
}

/** The logo's path on disk and its content type, or null when the stored name is not one we made. */
export function siteLogoFile(uploadsDir: string, logoFile: string): { path: string; type: string } | null {
  const match = logoNamePattern.exec(logoFile);
  return match ? { path: path.join(siteLogoDirectory(uploadsDir), logoFile), type: logoTypes[match[1]] } : null;
}

async function removeQuietly(file: string) {
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
}

/** Checks the bytes, then writes them under a random name through a temporary file, so no half-written logo is ever served. */
async function storeLogo(uploadsDir: string, logo: Buffer): Promise<string> {
  if (logo.length === 0) throw new LogoRejectedError("admin:settings.errors.logoEmpty");
  if (logo.length > logoMaxBytes) throw new LogoRejectedError("admin:settings.errors.logoTooLarge");
  const detected = await fileTypeFromBuffer(logo);
  const extension = detected && Object.keys(logoTypes).find((ext) => logoTypes[ext] === detected.mime);
  if (!extension) throw new LogoRejectedError("admin:settings.errors.logoType");
  const directory = siteLogoDirectory(uploadsDir);
  await mkdir(directory, { recursive: true });
  const name = `${randomBytes(16).toString("hex")}.${extension}`;
  const temporary = path.join(directory, `.upload-${randomBytes(8).toString("hex")}`);
  try {
    await writeFile(temporary, logo, { flag: "wx" });
    await rename(temporary, path.join(directory, name));
  } catch (error) {
    await removeQuietly(temporary);
    throw error;
  }
  return name;
}

/**
 * Saves the general settings (name, logo, registration mode, default language, link previews, welcome text) with an audit entry
 * in one transaction. A new logo is checked and stored first and removed again if saving fails; the
 * replaced logo file is deleted only once the new settings are committed.
 */
export async function updateSiteSettings(services: Pick<AppServices, "sequelize" | "settings" | "config">, actor: User, input: SiteSettingsInput): Promise<SiteSettings> {
  const current = await services.settings.get();
  const newLogo = input.logo ? await storeLogo(services.config.uploadsDir, input.logo) : null;
  const logoFile = newLogo ?? (input.removeLogo ? "" : current.logoFile);
  const values = { siteName: input.siteName, registrationMode: input.registrationMode, defaultLanguage: input.defaultLanguage, logoFile, linkPreviews: input.linkPreviews, linkPreviewHosts: input.linkPreviewHosts, welcomeText: input.welcomeText };
  const changed = (Object.keys(values) as (keyof typeof values)[]).filter((key) => JSON.stringify(values[key]) !== JSON.stringify(current[key]));
  try {
    await services.sequelize.transaction(async (transaction) => {
      await services.settings.set(values, transaction);
      if (changed.length > 0) await audit(actor, "settings.updated", { type: "site", id: "settings" }, { changed }, transaction);
    });
  } catch (error) {
    if (newLogo) await removeQuietly(path.join(siteLogoDirectory(services.config.uploadsDir), newLogo));
    throw error;
  }
  // A page rendered while the transaction was open may have cached the old values; drop them.
  await services.settings.set({});
  const old = logoFile !== current.logoFile ? siteLogoFile(services.config.uploadsDir, current.logoFile) : null;
  if (old) await removeQuietly(old.path);
  return services.settings.get();
}
