import { QueryTypes } from "sequelize";
import type { Language } from "../../config/index.ts";
import type { AppServices } from "../services.ts";
import { User } from "../models/user.ts";
import type { FirstDayOffer, FirstDayStep, SuggestedGroup } from "../modules/types.ts";
import { renderMarkdown } from "../content/markdown.ts";
import { cardOf, personColumns, type PersonCard, type PersonRow } from "./cards.ts";
import { enabledFields, type FieldSwitches } from "./profile-fields.ts";
import { followedIds } from "../content/core-containers.ts";

/** The block shows during an account's first days at most: after that the dashboard asks nothing for it, written or not. */
export const firstDayPeriodMs = 30 * 24 * 3600 * 1000;
export const colleagueLimit = 6;

/** What the first-day block of a newcomer's dashboard shows (core/templates/dashboard/first-day.njk). */
export interface FirstDayView {
  welcomeHtml: string;
  steps: FirstDayStep[];
  groups: SuggestedGroup[];
  colleagues: PersonCard[];
}

/** Closed (finished or dismissed) or past its first days: decided from the session's users row, without a query. */
export function isSettled(user: User, now = Date.now()): boolean {
  return Boolean(user.firstDayClosedAt) || now - new Date(user.createdAt).getTime() > firstDayPeriodMs;
}

/** Closes the block for good (finished or dismissed); later dashboards read the date with the session. */
export async function closeFirstDay(user: User): Promise<void> {
  const now = new Date();
  await User.update({ firstDayClosedAt: now }, { where: { id: user.id, firstDayClosedAt: null } });
  user.firstDayClosedAt = now;
}

/** The admin's welcome text in the reader's language, else in the site's default language, else any; "" when none. */
export function welcomeSource(texts: Partial<Record<Language, string>> | undefined, language: Language, defaultLanguage: Language): string {
  const stored = texts ?? {};
  return stored[language]?.trim() || stored[defaultLanguage]?.trim() || Object.values(stored).find((text) => text?.trim())?.trim() || "";
}

interface OwnRow {
  bio: string | null;
  department: string | null;
  manager_id: number | string | null;
  has_posted: boolean | number | string;
}

/** The newcomer's profile fields and whether they wrote anything yet, in one statement. */
async function ownState(services: AppServices, user: User): Promise<OwnRow> {
  const [row] = await services.sequelize.query<OwnRow>(
    `SELECT p.bio, p.department, p.manager_id,
            CASE WHEN EXISTS (SELECT 1 FROM contents c WHERE c.author_id = :userId AND c.deleted_at IS NULL AND c.hidden_at IS NULL) THEN 1 ELSE 0 END AS has_posted
     FROM users u LEFT JOIN user_profiles p ON p.user_id = u.id WHERE u.id = :userId`,
    { replacements: { userId: user.id }, type: QueryTypes.SELECT },
  );
  return row ?? { bio: null, department: null, manager_id: null, has_posted: 0 };
}

/**
 * Colleagues to follow: the person's manager, their team (the manager's other reports, and the person's own
 * reports), then their department; active, not themselves, not already followed (the dashboard's memo of
 * follows, so no read of user_follows). Guests follow nobody: none for them.
 */
async function colleagues(services: AppServices, user: User, own: OwnRow, fields: FieldSwitches): Promise<PersonCard[]> {
  if (user.role === "guest") return [];
  const managerId = fields.manager && own.manager_id !== null ? Number(own.manager_id) : null;
  const department = fields.department && own.department ? own.department : null;
  const followed = await followedIds(user);
  const rows = await services.sequelize.query<PersonRow>(
    `SELECT ${personColumns},
            CASE WHEN u.id = :managerId THEN 0 WHEN p.manager_id = :managerId OR p.manager_id = :userId THEN 1 ELSE 2 END AS closeness
     FROM users u LEFT JOIN user_profiles p ON p.user_id = u.id
     WHERE u.status = 'active' AND u.id <> :userId AND u.id NOT IN (:followed)
       AND (u.id = :managerId OR p.manager_id = :managerId OR ${fields.manager ? "p.manager_id = :userId" : "1 = 0"} OR p.department = :department)
     ORDER BY closeness, u.display_name, u.id LIMIT :limit`,
    { replacements: { userId: user.id, managerId, department, followed: followed.length > 0 ? followed : [0], limit: colleagueLimit }, type: QueryTypes.SELECT },
  );
  return rows.map((row) => cardOf(row, fields));
}

/** Core's part of the checklist: photo and "about me" (when the admin left those fields on), a first post. */
function coreSteps(user: User, own: OwnRow, fields: FieldSwitches): FirstDayStep[] {
  const steps: FirstDayStep[] = [];
  if (fields.photo) steps.push({ id: "photo", label: "home:firstDay.steps.photo", href: "/account/profile#f-photo", isDone: Boolean(user.photoKey) });
  if (fields.bio) steps.push({ id: "about", label: "home:firstDay.steps.about", href: "/account/profile#f-bio", isDone: Boolean(own.bio?.trim()) });
  steps.push({ id: "post", label: "home:firstDay.steps.post", href: "/#f-body", isDone: Boolean(Number(own.has_posted)) });
  return steps;
}

/**
 * The first-day block for the signed-in person, or null once it is settled (no statement then). While it
 * shows: one statement for the person's own state, modules' offers (the groups module: one), one for
 * colleagues. When every step is done, the block closes itself for good (one write) and is not shown.
 */
export async function firstDayOf(services: AppServices, user: User, language: Language): Promise<FirstDayView | null> {
  if (isSettled(user)) return null;
  const settings = await services.settings.get();
  const fields = await enabledFields(services.settings);
  const own = await ownState(services, user);
  const offer: FirstDayOffer = await services.registry.hooks.apply("dashboard.firstDay", { steps: [], groups: [] }, { user });
  const steps = [...coreSteps(user, own, fields), ...offer.steps];
  if (steps.every((step) => step.isDone)) {
    await closeFirstDay(user);
    return null;
  }
  const welcome = welcomeSource(settings.welcomeText, language, settings.defaultLanguage);
  return { welcomeHtml: welcome ? renderMarkdown(welcome) : "", steps, groups: offer.groups, colleagues: await colleagues(services, user, own, fields) };
}
