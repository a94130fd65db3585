import Router from "@koa/router";
import { idParam, notFound, requireUser, type AppContextExtras, type AppState, type Host } from "../../core/sdk/index.ts";
import { Badge } from "./models.ts";

/** /recognition/...: badge icons uploaded by admins (shown to signed-in people: badges are no secret among members). */
export function recognitionRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/recognition" });
  router.get("/icons/:fileId", requireUser, async (ctx) => {
    const badge = await Badge.findOne({ where: { iconFileId: idParam(ctx.params.fileId) } });
    if (!badge) throw notFound();
    await host.files.send(ctx, badge.iconFileId!);
  });
  return router;
}
