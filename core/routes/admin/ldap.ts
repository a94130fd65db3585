import Router from "@koa/router";
import { z } from "zod";
import type { AppContext, AppContextExtras, AppState } from "../../http/context.ts";
import type { AppServices } from "../../services.ts";
import { validateForm, type FieldErrors } from "../form.ts";
import { ldapEnvNames } from "../../../config/index.ts";
import { flash } from "../../views/render.ts";
import { audit } from "../../commands/audit.ts";
import { lastSyncReport, SyncBusyError, syncDirectory } from "../../commands/ldap-sync.ts";
import { DirectoryError } from "../../auth/ldap/directory.ts";
import { testConnection } from "../../auth/ldap/connection-test.ts";
import { parseDn } from "../../auth/ldap/dn.ts";
import { isWellFormedFilter, usernamePlaceholder } from "../../auth/ldap/filter.ts";
import { attributeFields, isDirectoryConfigured, ldapSettingsOf, storedSchema, type LdapSettings, type StoredLdapSettings } from "../../auth/ldap/settings.ts";

const template = "admin/ldap.njk";
const environmentNameOf = Object.fromEntries(Object.entries(ldapEnvNames).map(([variable, key]) => [key, variable])) as Record<string, string>;
const checkbox = z.literal("1").optional().transform((value) => value === "1");
const text = (max: number) => z.string().trim().max(max, "validation:tooLong").default("");
const dn = text(1000).refine((value) => value === "" || isDn(value), "ldap:validation.dn");
const filter = text(2000).refine((value) => value === "" || isWellFormedFilter(value), "ldap:validation.filter");
const lines = (value: string) => value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);

function isDn(value: string) {
  try {
    return parseDn(value).length > 0;
  } catch {
    return false;
  }
}

function isDirectoryUrl(value: string) {
  try {
    return ["ldap:", "ldaps:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const attributeInputs = Object.fromEntries(attributeFields.map((field) => [`attribute_${field}`, storedSchema.shape.attributes.unwrap().shape[field].default("")]));

const settingsForm = z.object({
  isEnabled: checkbox,
  urls: text(2000).transform((value) => value.split(/\s+/).filter(Boolean)).refine((urls) => urls.every(isDirectoryUrl), "ldap:validation.urls"),
  startTls: checkbox,
  caFile: text(1000),
  verifyCertificate: checkbox,
  bindDn: dn,
  bindPassword: z.string().max(1024, "validation:tooLong").default(""),
  forgetBindPassword: checkbox,
  baseDns: text(4000).transform(lines).refine((dns) => dns.every(isDn), "ldap:validation.dn"),
  userFilter: filter.refine((value) => value === "" || value.includes(usernamePlaceholder), "ldap:validation.userFilter"),
  loginAttribute: storedSchema.shape.loginAttribute.unwrap().refine((value) => value !== "", "validation:required"),
  uniqueIdAttribute: storedSchema.shape.uniqueIdAttribute.unwrap().refine((value) => value !== "", "validation:required"),
  ...attributeInputs,
  groupBaseDn: dn,
  groupFilter: filter,
  adminGroupDn: dn,
  disabledFilter: filter,
  disabledGroupDn: dn,
  isLocalLoginAdminsOnly: checkbox,
  timeoutSeconds: z.coerce.number("validation:invalid").int("validation:invalid").min(1, "validation:invalid").max(300, "validation:invalid"),
  syncIntervalMinutes: z.coerce.number("validation:invalid").int("validation:invalid").min(0, "validation:invalid").max(525600, "validation:invalid"),
});

type SettingsForm = z.infer<typeof settingsForm>;

/** The form's values in the stored shape: a field the environment sets keeps its stored value (the environment wins anyway). */
function toStored(form: SettingsForm, current: StoredLdapSettings, locked: string[]): Omit<StoredLdapSettings, "bindPasswordSealed"> {
  const attributes = Object.fromEntries(attributeFields.map((field) => [field, (form as Record<string, unknown>)[`attribute_${field}`] as string])) as StoredLdapSettings["attributes"];
  const values: Omit<StoredLdapSettings, "bindPasswordSealed"> = {
    isEnabled: form.isEnabled,
    urls: form.urls,
    startTls: form.startTls,
    caFile: form.caFile,
    verifyCertificate: form.verifyCertificate,
    bindDn: form.bindDn,
    baseDns: form.baseDns,
    userFilter: form.userFilter,
    loginAttribute: form.loginAttribute,
    uniqueIdAttribute: form.uniqueIdAttribute,
    attributes,
    groupBaseDn: form.groupBaseDn,
    groupFilter: form.groupFilter || storedSchema.shape.groupFilter.parse(undefined),
    adminGroupDn: form.adminGroupDn,
    disabledFilter: form.disabledFilter,
    disabledGroupDn: form.disabledGroupDn,
    isLocalLoginAdminsOnly: form.isLocalLoginAdminsOnly,
    timeoutSeconds: form.timeoutSeconds,
    syncIntervalMinutes: form.syncIntervalMinutes,
  };
  for (const key of locked) if (key in values) (values as Record<string, unknown>)[key] = current[key as keyof StoredLdapSettings];
  return values;
}

/** The settings as the form shows them: lists joined, the bind password never (only whether one is set). */
function formValues(settings: LdapSettings) {
  const { bindPassword, ...shown } = settings;
  return {
    ...shown,
    urls: settings.urls.join(" "),
    baseDns: settings.baseDns.join("\n"),
    ...Object.fromEntries(attributeFields.map((field) => [`attribute_${field}`, settings.attributes[field]])),
    hasBindPassword: bindPassword !== "",
  };
}

/** /admin/ldap: directory sign-in settings, a connection test and a sync on demand. */
export function ldapRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();
  const store = ldapSettingsOf(services.config);
  const render = async (ctx: AppContext, locals: { values?: Record<string, unknown>; errors?: FieldErrors; testResult?: unknown } = {}) => {
    const settings = await store.get();
    await ctx.render(template, {
      title: ctx.state.t("ldap:admin.title"),
      values: locals.values ?? formValues(settings),
      errors: locals.errors ?? {},
      lockedBy: Object.fromEntries(settings.lockedFields.map((key) => [key, environmentNameOf[key]])),
      isBindPasswordUnreadable: settings.isBindPasswordUnreadable,
      hasBindPassword: settings.bindPassword !== "",
      attributeFields,
      testResult: locals.testResult,
      lastSync: await lastSyncReport(),
    });
  };

  router.get("/admin/ldap", async (ctx) => render(ctx));

  router.post("/admin/ldap", async (ctx) => {
    const settings = await store.get();
    // Fields the environment sets are disabled in the form, so the browser sends nothing for them.
    const shown = formValues(settings) as Record<string, unknown>;
    const lockedValues = Object.fromEntries(settings.lockedFields.filter((key) => key !== "bindPassword").map((key) => [key, key === "startTls" ? (settings.startTls ? "1" : undefined) : String(shown[key])]));
    const { data, errors } = validateForm(settingsForm, { ...ctx.state.body, ...lockedValues });
    if (!data) {
      const { bindPassword, _csrf, ...typed } = ctx.state.body;
      ctx.status = 422;
      await render(ctx, { values: typed, errors });
      ctx.status = 422;
      return;
    }
    const bindPassword = data.bindPassword !== "" ? data.bindPassword : data.forgetBindPassword ? "" : undefined;
    await services.sequelize.transaction(async (transaction) => {
      await store.save(toStored(data, await store.stored(), settings.lockedFields), bindPassword, transaction);
      await audit(ctx.state.user!, "ldap.settings_changed", null, { bindPassword: bindPassword === undefined ? "kept" : bindPassword === "" ? "removed" : "changed" }, transaction);
    });
    flash(ctx, "success", "ldap:admin.saved");
    ctx.redirect("/admin/ldap");
  });

  router.post("/admin/ldap/test", async (ctx) => {
    const testResult = await testConnection(await store.get());
    await render(ctx, { testResult });
  });

  // In the background: a large directory takes longer than a browser waits. The report shows on this page.
  router.post("/admin/ldap/sync", async (ctx) => {
    if (!isDirectoryConfigured(await store.get())) {
      flash(ctx, "error", "ldap:admin.notConfigured");
      return ctx.redirect("/admin/ldap");
    }
    void syncDirectory(services).catch((error: unknown) => {
      if (!(error instanceof SyncBusyError || error instanceof DirectoryError)) services.logger.error({ err: error }, "directory sync failed");
    });
    flash(ctx, "info", "ldap:admin.syncStarted");
    ctx.redirect("/admin/ldap");
  });
  return router;
}
