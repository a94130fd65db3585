import type { EntryDecoration, Host } from "../../../core/sdk/index.ts";
import { LiveSession } from "./models.ts";

/**
 * On a quiz's entry: "Run live" for whoever may present it (its author, the container's moderators), "Live quiz"
 * for everyone else, and a "Live now" badge while a run is under way (decorations are read on every load, one query).
 */
export function liveQuizEntries(host: Host) {
  host.entryActions((entry, viewer) => {
    if (entry.content.type !== "quiz" || !viewer || entry.content.deletedAt) return [];
    const base = `/polls/${entry.content.id}/live`;
    if (entry.content.authorId === viewer.id || entry.can.moderate) return [{ label: "polls:live.run", href: `${base}/present` }];
    return [{ label: "polls:live.action", href: base }];
  });
  host.entryDecorators(async (contents) => {
    const quizzes = contents.filter((content) => content.type === "quiz" && content.refId);
    const decorations = new Map<number, EntryDecoration[]>();
    if (quizzes.length === 0) return decorations;
    const running = await LiveSession.findAll({ where: { pollId: quizzes.map((content) => content.refId!), phase: ["lobby", "question", "reveal"] }, attributes: ["pollId"] });
    const live = new Set(running.map((session) => session.pollId));
    for (const content of quizzes) if (live.has(content.refId!)) decorations.set(content.id, [{ label: "polls:live.badge", tone: "ok", href: `/polls/${content.id}/live` }]);
    return decorations;
  });
}
