import Router from "@koa/router";
import { Op, fn, col, where, type WhereOptions } from "sequelize";
import { z } from "zod";
import type { RouterContext } from "@koa/router";
import type { AppContext, AppContextExtras, AppState } from "../../http/context.ts";
import type { AppServices } from "../../services.ts";
import { badRequest, notFound } from "../../http/errors.ts";
import { User, instanceRoles, userStatuses } from "../../models/user.ts";
import { dialectOf } from "../../db/sequelize.ts";
import { changeUserStatus, type StatusChange } from "../../commands/user-status-changer.ts";
import { changeUserRole } from "../../commands/role-changer.ts";
import { AdminActionRefusedError } from "../../commands/admin-guard.ts";
import { safeNext } from "../../auth/current-user.ts";
import { flash } from "../../views/render.ts";

const pageSize = 25;

const listQuery = z.object({
  q: z.string().trim().max(100).default(""),
  status: z.union([z.enum(userStatuses), z.literal("")]).default(""),
  role: z.union([z.enum(instanceRoles), z.literal("")]).default(""),
  after: z.string().max(400).optional(),
});
type ListQuery = z.infer<typeof listQuery>;

/** The keyset cursor: the last row's (display name, id), opaque in the URL. */
const cursor = z.tuple([z.string().max(100), z.number().int().positive()]);
const encodeCursor = (user: User) => Buffer.from(JSON.stringify([user.displayName, user.id])).toString("base64url");
function decodeCursor(value: string) {
  try {
    return cursor.parse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
  } catch {
    throw badRequest();
  }
}

const userId = z.coerce.number().int().positive().max(2_147_483_647);
const roleForm = z.object({ role: z.enum(instanceRoles) });

/** Case-insensitive substring match on name, e-mail and username, without LIKE wildcards to escape. */
function searchCondition(services: AppServices, q: string): WhereOptions {
  const position = dialectOf(services.sequelize) === "postgres" ? "strpos" : "instr";
  const needle = q.toLowerCase();
  return {
    [Op.or]: ["display_name", "email", "username"].map((column) => where(fn(position, fn("lower", col(column)), needle), Op.gt, 0)),
  };
}

async function listUsers(services: AppServices, query: ListQuery) {
  const conditions: WhereOptions[] = [];
  if (query.q) conditions.push(searchCondition(services, query.q));
  if (query.status) conditions.push({ status: query.status });
  if (query.role) conditions.push({ role: query.role });
  if (query.after) {
    const [name, id] = decodeCursor(query.after);
    conditions.push({ [Op.or]: [{ displayName: { [Op.gt]: name } }, { displayName: name, id: { [Op.gt]: id } }] });
  }
  const rows = await User.findAll({
    attributes: ["id", "displayName", "username", "email", "role", "status", "createdAt", "lastLoginAt"],
    where: { [Op.and]: conditions },
    order: [["displayName", "ASC"], ["id", "ASC"]],
    limit: pageSize + 1,
  });
  const users = rows.slice(0, pageSize);
  const hasMore = rows.length > pageSize;
  const filters = new URLSearchParams(Object.entries({ q: query.q, status: query.status, role: query.role }).filter(([, value]) => value !== ""));
  const withCursor = (after: string) => `/admin/users?${new URLSearchParams([...filters, ["after", after]])}`;
  return { users, nextUrl: hasMore ? withCursor(encodeCursor(users[users.length - 1])) : null, firstUrl: query.after ? `/admin/users?${filters}` : null };
}

function parseUserId(ctx: RouterContext<AppState, AppContextExtras>) {
  const parsed = userId.safeParse(ctx.params.id);
  if (!parsed.success) throw notFound();
  return parsed.data;
}

async function renderUser(ctx: AppContext, user: User, error?: string) {
  await ctx.render("admin/user.njk", { title: user.displayName, subject: user, roles: instanceRoles, error });
}

/** Runs an admin action on one user: 404 if unknown, the user's page with a 409 when refused, else back with a notice. */
async function act(ctx: RouterContext<AppState, AppContextExtras>, run: (id: number) => Promise<User | null>, success: string) {
  const id = parseUserId(ctx);
  try {
    const user = await run(id);
    if (!user) throw notFound();
    flash(ctx, "success", success, { name: user.displayName });
    const back = ctx.state.body.back;
    ctx.redirect(typeof back === "string" && back.startsWith("/admin/users") ? safeNext(back) : `/admin/users/${user.id}`);
  } catch (error) {
    if (!(error instanceof AdminActionRefusedError)) throw error;
    const user = await User.findByPk(id);
    if (!user) throw notFound();
    ctx.status = 409;
    await renderUser(ctx, user, error.messageKey);
    ctx.status = 409;
  }
}

/** /admin/users: find people, approve, disable, re-enable and change roles. */
export function userRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();

  router.get("/admin/users", async (ctx) => {
    const parsed = listQuery.safeParse(ctx.query);
    if (!parsed.success) throw badRequest();
    const page = await listUsers(services, parsed.data);
    const { t } = ctx.state;
    const anyOption = { value: "", label: t("admin:users.any") };
    await ctx.render("admin/users.njk", {
      title: t("admin:users.title"),
      ...page,
      query: parsed.data,
      roles: instanceRoles,
      statusOptions: [anyOption, ...userStatuses.map((status) => ({ value: status, label: t(`admin:status.${status}`) }))],
      roleOptions: [anyOption, ...instanceRoles.map((role) => ({ value: role, label: t(`admin:role.${role}`) }))],
      back: ctx.originalUrl,
    });
  });

  router.get("/admin/users/:id", async (ctx) => {
    const user = await User.findByPk(parseUserId(ctx));
    if (!user) throw notFound();
    await renderUser(ctx, user);
  });

  for (const change of ["approve", "disable", "enable"] as StatusChange[]) {
    router.post(`/admin/users/:id/${change}`, (ctx) => act(ctx, (id) => changeUserStatus(services, ctx.state.user, id, change), `admin:users.done.${change}`));
  }

  router.post("/admin/users/:id/role", async (ctx) => {
    const parsed = roleForm.safeParse(ctx.state.body);
    if (!parsed.success) throw badRequest("admin:users.errors.role");
    await act(ctx, (id) => changeUserRole(services, ctx.state.user, id, parsed.data.role), "admin:users.done.role");
  });
  return router;
}
