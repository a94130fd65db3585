import Router from "@koa/router";
import { QueryTypes } from "sequelize";
import { HttpError, audit, flash, hashSecretToken, idParam, isWellFormedToken, newSecretToken, notFound, requireUser, type AppContextExtras, type AppState, type Host, type User } from "../../core/sdk/index.ts";

const maxPasswords = 20;

/**
 * App passwords on the person's account (/documents/app-passwords, in the account menu): created with a
 * name (shown once, never again: only its SHA-256 is kept) and revoked one by one. They are what a WebDAV
 * client will sign in with (issue 21, item 7), so the account's own password never sits in a sync tool.
 */
export function appPasswordRoutes(host: Host) {
  const router = new Router<AppState, AppContextExtras>({ prefix: "/documents/app-passwords" });
  router.use(requireUser);

  const listOf = (user: User) =>
    host.sequelize.query<{ id: number; name: string; created_at: string | Date; last_used_at: string | Date | null }>(
      "SELECT id, name, created_at, last_used_at FROM documents_app_passwords WHERE user_id = :userId ORDER BY id DESC",
      { replacements: { userId: user.id }, type: QueryTypes.SELECT },
    );

  async function page(ctx: Parameters<Parameters<typeof router.get>[1]>[0], created: { name: string; token: string } | null, status = 200) {
    const passwords = (await listOf(ctx.state.user!)).map((row) => ({ id: Number(row.id), name: row.name, createdAt: new Date(row.created_at), lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null }));
    ctx.status = status;
    await ctx.render("documents/app-passwords.njk", { title: ctx.state.t("documents:appPasswords.title"), passwords, created, davAddress: `${ctx.host ? `${ctx.protocol}://${ctx.host}` : ""}/dav/documents/` });
  }

  router.get("/", (ctx) => page(ctx, null));

  router.post("/", async (ctx) => {
    const user = ctx.state.user!;
    const raw = (ctx.state.body as Record<string, unknown>).name;
    const name = typeof raw === "string" ? raw.normalize("NFC").replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, "").trim() : "";
    if (!name || [...name].length > 100) throw new HttpError(422, "documents:appPasswords.errors.name");
    if ((await listOf(user)).length >= maxPasswords) throw new HttpError(422, "documents:appPasswords.errors.tooMany");
    const { token, hash } = newSecretToken();
    await host.sequelize.query("INSERT INTO documents_app_passwords (user_id, name, token_hash, created_at) VALUES (:userId, :name, :hash, :now)", {
      replacements: { userId: user.id, name, hash, now: new Date() },
    });
    await audit(user, "documents.app-password.created", { type: "user", id: user.id }, { name });
    // Shown on this answer only: the page says so, and a reload shows the list without it.
    await page(ctx, { name, token }, 201);
  });

  router.post("/:id/revoke", async (ctx) => {
    const user = ctx.state.user!;
    const replacements = { id: idParam(ctx.params.id), userId: user.id };
    const [own] = await host.sequelize.query<{ name: string }>("SELECT name FROM documents_app_passwords WHERE id = :id AND user_id = :userId", { replacements, type: QueryTypes.SELECT });
    if (!own) throw notFound(); // someone else's, or none: the same answer
    await host.sequelize.query("DELETE FROM documents_app_passwords WHERE id = :id AND user_id = :userId", { replacements });
    await audit(user, "documents.app-password.revoked", { type: "user", id: user.id }, { name: own.name });
    flash(ctx, "success", "documents:appPasswords.revoked");
    ctx.redirect("/documents/app-passwords");
  });

  return router;
}

/** The account an app password belongs to, noting its use; null for anything else (for the WebDAV endpoint to come). */
export async function userOfAppPassword(host: Host, token: unknown): Promise<number | null> {
  if (!isWellFormedToken(token)) return null;
  const [row] = await host.sequelize.query<{ id: number; user_id: number }>("SELECT id, user_id FROM documents_app_passwords WHERE token_hash = :hash", {
    replacements: { hash: hashSecretToken(token) },
    type: QueryTypes.SELECT,
  });
  if (!row) return null;
  await host.sequelize.query("UPDATE documents_app_passwords SET last_used_at = :now WHERE id = :id", { replacements: { now: new Date(), id: row.id } });
  return Number(row.user_id);
}
