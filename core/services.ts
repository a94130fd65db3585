import type { i18n } from "i18next";
import type { Logger } from "pino";
import type { Sequelize } from "sequelize";
import type { Environment } from "nunjucks";
import type koaPassport from "koa-passport";
import type { Config } from "../config/index.ts";
import type { LoginLimiter } from "./auth/login-limiter.ts";
import type { Mailer } from "./mail/mailer.ts";
import type { ModuleRegistry } from "./modules/registry.ts";
import type { SettingsStore } from "./settings.ts";
import type { LiveHub } from "./live/hub.ts";

/** What route factories and commands are given; built once in createApp. */
export interface AppServices {
  config: Config;
  logger: Logger;
  sequelize: Sequelize;
  registry: ModuleRegistry;
  settings: SettingsStore;
  mailer: Mailer;
  loginLimiter: LoginLimiter;
  passport: InstanceType<typeof koaPassport.KoaPassport>;
  templates: Environment;
  i18n: i18n;
  /** Live updates (Server-Sent Events) of this process; over Redis when configured. */
  live: LiveHub;
}
