import Router from "@koa/router";
import type { AppContext, AppContextExtras, AppState } from "../http/context.ts";
import type { AppServices } from "../services.ts";
import { requireUser } from "../auth/current-user.ts";
import { badRequest, forbidden } from "../http/errors.ts";
import { queryValue } from "../content/request.ts";
import { enabledFields } from "../people/profile-fields.ts";
import { decodeDirectoryCursor, directoryFacets, directoryPage, encodeDirectoryCursor, type DirectoryFilters } from "../people/directory.ts";
import { suggestPeople } from "../people/suggest.ts";

const filterMaxLength = 100;

/** Guests are external partners: they do not browse the staff. */
function requireStaff(ctx: AppContext) {
  if (ctx.state.user!.role === "guest") throw forbidden("people:errors.guests");
}

function textParam(ctx: AppContext, name: string): string | undefined {
  const value = queryValue(ctx, name)?.trim();
  if (value && [...value].length > filterMaxLength) throw badRequest("errors:query.invalid");
  return value || undefined;
}

/** /people: the directory, with search and filters; /people/suggest: @mention autocomplete as JSON. */
export function peopleRoutes(services: AppServices) {
  const router = new Router<AppState, AppContextExtras>();

  router.get("/people", requireUser, async (ctx) => {
    requireStaff(ctx);
    const fields = await enabledFields(services.settings);
    const filters: DirectoryFilters = { q: textParam(ctx, "q"), department: textParam(ctx, "department"), location: textParam(ctx, "location"), skill: textParam(ctx, "skill") };
    const after = decodeDirectoryCursor(queryValue(ctx, "after"));
    const { people, next } = await directoryPage(services.sequelize, filters, after, fields);
    const query = Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1]));
    const nextUrl = next ? `/people?${new URLSearchParams([...query, ["after", encodeDirectoryCursor(next)]])}` : null;
    await ctx.render("people/index.njk", {
      title: ctx.state.t("people:title"),
      people,
      filters,
      isFiltered: query.length > 0,
      isFirstPage: !after,
      firstUrl: query.length ? `/people?${new URLSearchParams(query)}` : "/people",
      facets: await directoryFacets(services.sequelize, fields),
      fields,
      nextUrl,
    });
  });

  router.get("/people/suggest", requireUser, async (ctx) => {
    requireStaff(ctx);
    const typed = queryValue(ctx, "q")?.trim().replace(/^@/, "") ?? "";
    if (!typed || [...typed].length > 64 || /[\p{Cc}]/u.test(typed)) throw badRequest("people:errors.suggestQuery");
    const fields = await enabledFields(services.settings);
    const people = await suggestPeople(services.sequelize, typed, fields);
    ctx.set("Cache-Control", "private, no-store");
    ctx.body = people.map((person) => ({
      username: person.username,
      displayName: person.displayName,
      jobTitle: person.jobTitle,
      photoUrl: person.photo ?? `/u/${encodeURIComponent(person.username)}/photo?size=small`,
    }));
  });

  return router;
}
