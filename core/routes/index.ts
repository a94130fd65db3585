import type { Middleware } from "koa";
import compose from "koa-compose";
import type Router from "@koa/router";
import type { AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { authRoutes } from "./auth.ts";
import { homeRoutes } from "./home.ts";
import { setupRoutes } from "./setup.ts";
import { registerRoutes } from "./register.ts";
import { passwordRoutes } from "./password.ts";
import { accountRoutes } from "./account.ts";
import { adminRoutes } from "./admin/index.ts";
import { profileRoutes } from "./profile.ts";
import { peopleRoutes } from "./people.ts";
import { siteLogoRoutes } from "./site-logo.ts";
import { postRoutes } from "./posts.ts";
import { composeRoutes } from "./compose.ts";
import { topicRoutes } from "./topics.ts";
import { commentRoutes } from "./comments.ts";
import { reactionRoutes } from "./reactions.ts";
import { moderationRoutes } from "./moderation.ts";
import { announcementRoutes } from "./announcements.ts";
import { fileRoutes } from "./files.ts";
import { linkPreviewRoutes } from "./link-previews.ts";
import { notificationRoutes } from "./notifications.ts";
import { liveRoutes } from "../live/routes.ts";
import { searchRoutes } from "./search.ts";
import { containerModuleSettingsRoutes } from "./container-module-settings.ts";

/** Every core page, mounted in one place; modules' routes come after, through the registry. */
export function coreRoutes(services: AppServices): Middleware<AppState, AppContextExtras> {
  const routers: Router<AppState, AppContextExtras>[] = [
    setupRoutes(services),
    authRoutes(services),
    registerRoutes(services),
    passwordRoutes(services),
    accountRoutes(services),
    homeRoutes(services),
    postRoutes(services),
    composeRoutes(services),
    topicRoutes(services),
    commentRoutes(services),
    reactionRoutes(services),
    moderationRoutes(services),
    announcementRoutes(services),
    profileRoutes(services),
    peopleRoutes(services),
    siteLogoRoutes(services),
    fileRoutes(services),
    linkPreviewRoutes(services),
    notificationRoutes(services),
    liveRoutes(services),
    searchRoutes(services),
  ];
  const middleware = routers.flatMap((router) => [router.routes(), router.allowedMethods({ throw: true })]) as Middleware<AppState, AppContextExtras>[];
  return compose([adminRoutes(services), containerModuleSettingsRoutes(services), ...middleware]);
}
