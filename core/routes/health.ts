import type { Middleware } from "koa";
import type { Sequelize } from "sequelize";

/** GET /healthz for load balancers and Docker: 200 when the database answers, 503 otherwise. No session, no log noise. */
export function healthRoutes(sequelize: Sequelize): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== "/healthz") return next();
    if (ctx.method !== "GET" && ctx.method !== "HEAD") {
      ctx.status = 405;
      ctx.set("Allow", "GET, HEAD");
      ctx.body = { error: { status: 405, message: "Method not allowed" } };
      return;
    }
    ctx.set("Cache-Control", "no-store");
    try {
      await sequelize.query("SELECT 1");
      ctx.body = { status: "ok", database: "ok" };
    } catch {
      ctx.status = 503;
      ctx.body = { status: "error", database: "unreachable" };
    }
  };
}
