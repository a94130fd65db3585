import type { TestApp } from "../helpers/app.ts";
import type { Client } from "../helpers/client.ts";

/** Reports a content (or, with kind "comments", a comment) through the real form; returns the response. */
export function report(client: Client, id: number, fields: { reason?: string; note?: string } = {}, kind: "c" | "comments" = "c") {
  return client.post(`/${kind}/${id}/report`, { reason: "spam", ...fields });
}

/** The fixture rooms, switched on; tests give people roles in them. */
export async function fixtureRooms(app: TestApp) {
  await app.app.registry.enable("fixture-rooms");
  const { rooms } = await import("../fixtures/modules/fixture-rooms/rooms.ts");
  const room = (slug: string) => rooms.find((candidate) => candidate.slug === slug)!;
  return { alpha: room("alpha"), beta: room("beta"), secret: room("secret") };
}

export const models = async () => {
  const { ContentReport } = await import("../../core/models/content-report.ts");
  const { AuditEntry } = await import("../../core/models/audit-entry.ts");
  const { Content } = await import("../../core/models/content.ts");
  const { Comment } = await import("../../core/models/comment.ts");
  return { ContentReport, AuditEntry, Content, Comment };
};

/** The HTML of one moderation item (<article id="report-N...">), or "" when it is not on the page. */
export function itemHtml(page: string, contentId: number, commentId?: number): string {
  const start = page.indexOf(`id="report-${contentId}${commentId ? `-${commentId}` : ""}"`);
  if (start < 0) return "";
  const end = page.indexOf("</article>", start);
  return page.slice(start, end);
}
