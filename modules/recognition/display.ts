import Router from "@koa/router";
import { User, hashSecretToken, isWellFormedToken, notFound, type AppContext, type AppContextExtras, type AppState, type Host } from "../../core/sdk/index.ts";

const companyStream = { type: "company", id: 0 };
import { badgeIconHtml } from "./icons.ts";
import { Badge, DisplayLink, Kudos, KudosRecipient } from "./models.ts";
import { wallPage } from "./wall-query.ts";

/** The latest kudos every member may read (the company stream), as the office screen shows them: a few queries, no reader. */
async function displayedKudos(host: Host) {
  const rows = await wallPage(host.sequelize, null, {}, 12);
  const kudos = await Kudos.findAll({ where: { id: rows.map((row) => row.kudosId) }, order: [["id", "DESC"]] });
  const badges = new Map((await Badge.findAll({ where: { id: [...new Set(kudos.map((row) => row.badgeId))] } })).map((badge) => [badge.id, badge]));
  const recipients = await KudosRecipient.findAll({ where: { kudosId: kudos.map((row) => row.id) }, order: [["id", "ASC"]] });
  const people = new Map(
    (await User.findAll({ where: { id: [...new Set([...kudos.map((row) => row.giverId), ...recipients.map((row) => row.recipientId)])] }, attributes: ["id", "displayName"] })).map((user) => [user.id, user.displayName]),
  );
  return kudos.map((row) => {
    const badge = badges.get(row.badgeId)!;
    return {
      id: row.id,
      at: row.createdAt,
      giver: people.get(row.giverId) ?? "",
      recipients: recipients.filter((recipient) => recipient.kudosId === row.id).map((recipient) => people.get(recipient.recipientId) ?? ""),
      badge: { nameEn: badge.nameEn, nameFr: badge.nameFr, iconHtml: badgeIconHtml(badge, 48) },
      messageHtml: row.messageHtml,
    };
  });
}

/** /recognition/display/<token>: the wall for an office screen, opened with a display link, without signing in. */
export function displayRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/recognition/display" });
  const liveLink = async (token: string) => {
    const link = isWellFormedToken(token) ? await DisplayLink.findOne({ where: { tokenHash: hashSecretToken(token) } }) : null;
    if (!link || link.revokedAt) throw notFound();
    return link;
  };
  const keepPrivate = (ctx: AppContext) => {
    // The address is the key: never sent on to other sites, never indexed, never cached by a proxy.
    ctx.set("Referrer-Policy", "no-referrer");
    ctx.set("X-Robots-Tag", "noindex");
    ctx.set("Cache-Control", "no-store");
  };

  // The screen's live feed: recognition's events of the company stream only (what every member may read),
  // while the link is not revoked (checked before each event and every 30 s: a revoked link's feed ends).
  router.get("/:token/events", async (ctx) => {
    const link = await liveLink(ctx.params.token);
    host.live.serve(ctx, {
      containers: [companyStream],
      allowed: async () => {
        const current = await DisplayLink.findByPk(link.id, { attributes: ["id", "revokedAt"] });
        return Boolean(current && !current.revokedAt);
      },
    });
    keepPrivate(ctx);
  });

  router.get("/:token", async (ctx) => {
    const link = await liveLink(ctx.params.token);
    keepPrivate(ctx);
    const kudos = await displayedKudos(host);
    const template = ctx.query.partial === "1" ? "recognition/display-list.njk" : "recognition/display.njk";
    await ctx.render(template, { title: ctx.state.t("recognition:display.title"), kudos, screen: link.name, feed: `/recognition/display/${ctx.params.token}/events` });
  });
  return router;
}
