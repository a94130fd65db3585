import type { AppContext } from "../../http/context.ts";
import { notFound } from "../../http/errors.ts";
import { safeNext } from "../../auth/current-user.ts";
import type { Content } from "../../models/content.ts";
import { Post } from "../../models/post.ts";
import type { ModuleRegistry } from "../../modules/registry.ts";
import type { FieldErrors } from "../../routes/form.ts";
import { loadEntries } from "../entries.ts";
import type { CommentView } from "./entries.ts";
import { policyOf } from "../request.ts";

/** A comment form that came back refused: shown filled in under its content, with the reason. */
export interface CommentFormState {
  contentId: number;
  /** The thread replied to, "" for a new top-level comment. */
  parentId: string;
  values: Record<string, unknown>;
  errors: FieldErrors;
}

/**
 * The content's permalink page (content/show.njk, with the locals GET /c/:id gives it): used for the
 * older comments of a content, and to show a refused comment with what was typed.
 */
export async function renderPermalink(ctx: AppContext, registry: ModuleRegistry, content: Content, options: { commentsBefore?: number | null; commentForm?: CommentFormState; status?: number } = {}) {
  const policy = policyOf(ctx, registry);
  const [entry] = await loadEntries(registry, policy, [content], { full: true, commentsBefore: options.commentsBefore ?? null });
  if (!entry) throw notFound();
  if (options.commentForm) options.commentForm.parentId = formThread(entry.comments?.threads ?? [], options.commentForm.parentId);
  const post = entry.item instanceof Post ? entry.item : null;
  const title = post?.title ?? ctx.state.t("stream:post.permalinkTitle", { name: entry.author?.displayName ?? "" });
  if (options.status) ctx.status = options.status;
  await ctx.render("content/show.njk", { entry, title, commentForm: options.commentForm ?? null });
  if (options.status) ctx.status = options.status;
}

/** The shown thread whose reply form gets a refused reply back; "" (the new-comment form) when that thread is not on the page. */
function formThread(threads: CommentView[], parentId: string): string {
  const id = Number(parentId);
  const thread = id ? threads.find((candidate) => candidate.comment.id === id || candidate.replies.some((reply) => reply.comment.id === id)) : undefined;
  return thread && !thread.isDeleted ? String(thread.comment.id) : "";
}

/** Where a form came from, if it is a page of this site (never another origin), else the fallback. */
export function backTo(ctx: AppContext, fallback: string): string {
  const referer = ctx.get("referer");
  if (!referer) return fallback;
  try {
    const url = new URL(referer);
    // Host only: behind a TLS proxy the app may see http while the browser sent https.
    if (url.host !== ctx.host) return fallback;
    const path = safeNext(url.pathname + url.search);
    return path === "/" && url.pathname !== "/" ? fallback : path;
  } catch {
    return fallback;
  }
}

/** A JSON answer is wanted (the enhancement script), not a page. */
export function wantsJson(ctx: AppContext) {
  return ctx.accepts("html", "json") === "json";
}
