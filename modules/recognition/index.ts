import { defineModule, type Container } from "../../core/sdk/index.ts";
import { adminRoutes } from "./admin.ts";
import { kudosContentType, removeKudos } from "./kudos.ts";
import { Award, Badge, BadgeGrant, BadgeRule, DisplayLink, Juror, Kudos, KudosRecipient, Preference, YearBallot, YearCandidate, YearVote } from "./models.ts";
import { yearResultContentType } from "./year.ts";
import { yearRoutes } from "./year-routes.ts";
import { registerBadgeRules } from "./badge-rules.ts";
import { isKnownJuror } from "./jury.ts";
import { juryRoutes } from "./jury-routes.ts";
import { rankingRoutes } from "./rankings.ts";
import { profileRoutes } from "./profile.ts";
import { recognitionRoutes } from "./routes.ts";
import { displayRoutes } from "./display.ts";
import { wallRoutes } from "./wall.ts";
import { siteSettings } from "./settings.ts";

/** Recognition: kudos with badges, an appreciation wall, a display for office screens (docs/recognition.md). */
export default defineModule({
  id: "recognition",
  version: "1.0.0",
  scopes: ["instance", "group"],
  models: [Badge, Kudos, KudosRecipient, Preference, DisplayLink, Juror, Award, BadgeRule, BadgeGrant, YearVote, YearCandidate, YearBallot],
  migrations: "migrations",
  settings: { instance: siteSettings },
  assets: { stylesheets: ["recognition.css"], scripts: ["recognition.js"] },
  register(host) {
    host.contentType(kudosContentType(host));
    host.contentType(yearResultContentType(host));
    host.routes(recognitionRoutes(host));
    host.routes(displayRoutes(host));
    host.routes(wallRoutes(host));
    host.routes(juryRoutes(host));
    host.routes(rankingRoutes(host));
    host.routes(yearRoutes(host));
    // Jurors see "Award points" under other people's entries.
    host.entryActions((entry, viewer) =>
      viewer && entry.content.authorId !== viewer.id && isKnownJuror(viewer.id) ? [{ label: "recognition:jury.award", href: `/recognition/awards/new?content=${entry.content.id}` }] : [],
    );
    host.menu("main", { label: "recognition:wall.menu", href: "/recognition", order: 150 });
    host.adminRoutes(adminRoutes(host));
    host.menu("admin", { label: "recognition:admin.menu", href: "/admin/recognition", order: 45 });
    host.menu("profile", { label: "recognition:profile.tab", href: (profile: Container) => `/u/${profile.slug}/recognition`, order: 30 });
    host.containerRoutes("user", profileRoutes(host));

    registerBadgeRules(host);

    host.notificationType({
      id: "recognition.kudos",
      label: "recognition:notifications.kudos",
      message: "recognition:notifications.kudosLine",
      defaults: { web: true, email: true },
      level: "always", // addressed to the person thanked
    });
    host.notificationType({
      id: "recognition.badge-earned",
      label: "recognition:notifications.badgeEarned",
      message: "recognition:notifications.badgeEarnedLine",
      defaults: { web: true, email: false },
      level: "always",
    });
    host.notificationType({
      id: "recognition.team-kudos",
      label: "recognition:notifications.teamKudos",
      message: "recognition:notifications.teamKudosLine",
      defaults: { web: true, email: false },
      level: "always",
    });
  },
  // A group is being removed: its kudos go with it (core then deletes their contents).
  async onContainerRemoved(container, { transaction }) {
    const kudos = await Kudos.findAll({ where: { containerType: container.type, containerId: container.id }, attributes: ["id"], transaction });
    await removeKudos(kudos.map((row) => row.id), transaction);
  },
});
