import { readFileSync } from "node:fs";
import Koa from "koa";
import session from "koa-session";
import koaPassport from "koa-passport";
import pino, { type Logger } from "pino";
import { Redis } from "ioredis";
import type { Config } from "../config/index.ts";
import { createSequelize } from "./db/sequelize.ts";
import { migrate, type MigrationSource } from "./db/migrate.ts";
import { initCoreModels } from "./models/index.ts";
import { ModuleRegistry } from "./modules/registry.ts";
import { createHost, type HostServices } from "./modules/host.ts";
import { can } from "./policies/index.ts";
import { companyContainerType, userContainerType } from "./content/core-containers.ts";
import { postContentType } from "./content/post-type.ts";
import { installSearch } from "./search/install.ts";
import { installVersionTriggers } from "./content/versioned-by.ts";
import { createI18n } from "./views/i18n.ts";
import { themeChain } from "./views/themes.ts";
import { assetBundles } from "./views/asset-bundles.ts";
import { createTemplateEnvironment } from "./views/environment.ts";
import { EntryHtmlCache, type EntryCacheSlot } from "./views/entry-cache.ts";
import { bindEntryCache } from "./content/cached-entries.ts";
import { renderer } from "./views/render.ts";
import { SettingsStore } from "./settings.ts";
import { createMailer } from "./mail/mailer.ts";
import { keyedMailHandler } from "./mail/jobs.ts";
import { linkPreviewHandler } from "./content/link-previews/job.ts";
import { purgeDeletedContents } from "./content/moderation/purge.ts";
import { bindLoginLimiter, createLoginLimiter } from "./auth/login-limiter.ts";
import { localStrategy } from "./auth/local.ts";
import { ldapStrategy } from "./auth/ldap-strategy.ts";
import { startSyncScheduler } from "./auth/ldap/scheduler.ts";
import { sessionStore } from "./auth/session-store.ts";
import { csrfProtection } from "./auth/csrf.ts";
import { currentUser } from "./auth/current-user.ts";
import { errorHandler } from "./http/error-handler.ts";
import compose from "koa-compose";
import { requestLog } from "./http/request-log.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { bodyParser } from "./http/body.ts";
import { language } from "./http/language.ts";
import type { AppContextExtras, AppState } from "./http/context.ts";
import { themeAssets } from "./routes/assets.ts";
import { healthRoutes } from "./routes/health.ts";
import { coreRoutes } from "./routes/index.ts";
import { setupGate } from "./routes/setup.ts";
import { ensureAdminFromEnvironment } from "./commands/setup-completer.ts";
import { createLiveHub } from "./live/create.ts";
import { startNotifications } from "./notifications/service.ts";
import { unsubscribeRoutes } from "./routes/notifications.ts";
import { installModuleJobs } from "./modules/scheduled-work.ts";
import { bindModuleLive } from "./live/module-channel.ts";
import { ContentWriter, moduleContentApi } from "./content/writer.ts";
import { moduleContainerApi } from "./content/container-lifecycle.ts";
import { moduleFiles } from "./content/attachments/module-files.ts";
import type { AppServices } from "./services.ts";

export const coreMigrations: MigrationSource = { namespace: "core", directory: new URL("./migrations", import.meta.url).pathname };

const packageVersion: string = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;

export interface AgoraApp extends AppServices {
  koa: Koa<AppState, AppContextExtras>;
  close(): Promise<void>;
}

export function createLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: "agora" } });
}

/** Everything but HTTP: database, core and module models, migrations, module registrations, settings, i18n. */
export async function openCore(config: Config, logger: Logger) {
  const sequelize = await createSequelize(config);
  try {
    initCoreModels(sequelize);
    const registry = new ModuleRegistry(sequelize, logger);
    registry.addCore({ containerTypes: [companyContainerType, userContainerType], contentTypes: [postContentType] });
    await registry.load(config.modulePaths);
    const applied = await migrate(sequelize, [coreMigrations, ...registry.migrationSources()], logger);
    const contentWriter = new ContentWriter(sequelize, registry);
    // Each module's host is made here, above the registry: it hands modules core's APIs without the registry importing them.
    const hostServices: HostServices = {
      logger,
      sequelize,
      registry,
      emit: (name, payload) => registry.hooks.emit(name, payload),
      can: (user, permissionId, container) => can(registry, user, permissionId, container),
      contentFor: (moduleId) => moduleContentApi(contentWriter, registry, moduleId),
      filesFor: (moduleId) => moduleFiles(registry, config, moduleId),
      containersFor: (moduleId) => moduleContainerApi(registry, moduleId),
    };
    await registry.registerAll((moduleId, registrations) => createHost(moduleId, hostServices, registrations));
    await installSearch(sequelize, registry, logger);
    await installVersionTriggers(sequelize, registry, logger);
    const settings = new SettingsStore({
      siteName: config.siteName,
      logoFile: "",
      registrationMode: "closed",
      defaultLanguage: config.defaultLanguage,
      isSetupComplete: false,
      linkPreviews: true,
      linkPreviewHosts: "",
      welcomeText: {},
    });
    const i18n = await createI18n(registry.localeDirectories());
    return { sequelize, registry, settings, i18n, appliedMigrations: applied.map((migration) => migration.name) };
  } catch (error) {
    await sequelize.close();
    throw error;
  }
}

/** Opens the core (openCore) and builds the Koa app around it; listening is server.ts's job. */
export async function createApp(config: Config, logger: Logger = createLogger(config)): Promise<AgoraApp> {
  const { sequelize, registry, settings, i18n } = await openCore(config, logger);
  const themes = themeChain(config.theme, config.themePaths);
  const isDevelopment = process.env.NODE_ENV === "development";
  // Made once at start; in development again for every use, as templates are re-read there.
  const madeBundles = assetBundles(themes, registry.assetSources());
  const bundles = isDevelopment ? () => assetBundles(themes, registry.assetSources()) : () => madeBundles;
  const templates = createTemplateEnvironment(themes, registry.templateDirectories(), isDevelopment);
  // Rendered stream entries per reader; off in development, where templates change under a running server.
  const entryCache = new EntryHtmlCache(isDevelopment ? 0 : config.entryCacheMb * 1024 * 1024);
  templates.addGlobal("rememberEntry", (slot: EntryCacheSlot | undefined, html: unknown) => entryCache.remember(slot, html));
  bindEntryCache(registry, entryCache);
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }) : null;
  const passport = new koaPassport.KoaPassport();
  passport.use("local", localStrategy());
  const services: AppServices = {
    config,
    logger,
    sequelize,
    registry,
    settings,
    mailer: createMailer(config, logger),
    loginLimiter: createLoginLimiter(config, redis),
    passport,
    templates,
    i18n,
    live: await createLiveHub(config, logger),
  };
  bindModuleLive(services.live);
  bindLoginLimiter(services.loginLimiter);
  await ensureAdminFromEnvironment(services);
  passport.use("ldap", ldapStrategy(services));
  const directorySync = startSyncScheduler(services);
  const notificationWorker = startNotifications(services);
  notificationWorker.register(keyedMailHandler(services));
  notificationWorker.register(linkPreviewHandler(services));
  installModuleJobs(notificationWorker, registry.moduleJobs(), (moduleId) => registry.isEnabled(moduleId));
  // Soft-deleted content past its 30-day restore window goes for good, files included.
  notificationWorker.every("contents.purge", 24 * 3600_000, async () => {
    await purgeDeletedContents(services);
  });

  const koa = new Koa<AppState, AppContextExtras>({ keys: [config.sessionSecret], proxy: config.trustProxy });
  koa.silent = true;
  const sessionMiddleware = session(
      {
        key: "agora.sid",
        maxAge: config.sessionDays * 24 * 3600 * 1000,
        httpOnly: true,
        sameSite: "lax",
        secure: config.isHttps,
        signed: true,
        renew: true,
        store: sessionStore,
      },
      koa as never,
    ) as never;
  const renderPages = renderer({ templates, settings, registry, assetVersion: packageVersion, bundleVersion: (file) => bundles().get(file)?.hash });
  // An error raised before the page renderer (a body too large...) still gets the site's own page, with
  // the signed-in header: these are the steps that make a page, run for the error page alone.
  const pageSteps = compose([sessionMiddleware, currentUser(), language(i18n, settings), renderPages] as never[]);
  koa.use(errorHandler(templates, i18n, logger, (ctx) => pageSteps(ctx as never, async () => {})));
  koa.use(securityHeaders(config.isHttps));
  // Health checks every few seconds would drown the request log.
  koa.use(healthRoutes(sequelize));
  koa.use(requestLog(logger));
  koa.use(themeAssets(themes, bundles, registry.staticDirectories()));
  // Module switches made by another process sharing the database are picked up within 5 s.
  koa.use(async (_ctx, next) => {
    await registry.refreshIfStale();
    await next();
  });
  // Protocol endpoints of modules (/dav/<module id>/): raw bodies, no session nor CSRF; they authenticate themselves.
  koa.use(registry.rawRoutes() as never);
  koa.use(bodyParser(config.bodyLimitKb));
  koa.use(sessionMiddleware);
  koa.use(currentUser());
  koa.use(language(i18n, settings));
  koa.use(renderPages);
  // One-click unsubscribe (RFC 8058) comes from mail clients without a session: its signed token is the check.
  koa.use(unsubscribeRoutes(services));
  koa.use(csrfProtection());
  koa.use(setupGate(settings));
  koa.use(coreRoutes(services));
  koa.use(registry.routes() as never);

  return {
    ...services,
    koa,
    async close() {
      await directorySync.stop();
      await notificationWorker.stop();
      await services.live.close();
      services.mailer.close();
      redis?.disconnect();
      await sequelize.close();
    },
  };
}
