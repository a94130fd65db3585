import type { User } from "../../models/user.ts";
import type { ModuleRegistry } from "../../modules/registry.ts";
import { moderatorRoles } from "../../policies/content.ts";

/** How long the answer is kept per person: a role given or taken shows in the menu within this time. */
const keepMs = 60_000;
const maxKept = 10_000;
const answers = new Map<number, { moderates: boolean; until: number }>();

/**
 * The person's roles in the containers they can read, per container type. Everyone "owns" their own
 * profile stream, which does not make them a moderator; a type readable by all is one nobody but
 * admins moderates (answered before).
 */
async function holdsModeratorRole(registry: ModuleRegistry, user: User): Promise<boolean> {
  for (const type of registry.containerTypes.keys()) {
    const definition = type === "user" ? null : registry.containerType(type);
    if (!definition) continue;
    const ids = await definition.readableIds(user);
    if (ids === "all" || ids.length === 0) continue;
    const roles = await definition.rolesOf(user, ids);
    if ([...roles.values()].some((role) => moderatorRoles.includes(role))) return true;
  }
  return false;
}

/**
 * Does this person moderate anything (the instance, or a container where they are owner, admin or
 * moderator)? For the menu entry to /moderation, shown on every page: asked of the container types
 * at most once a minute per person, not on every page.
 */
export async function moderatesSomething(registry: ModuleRegistry, user: User | null, now = Date.now()): Promise<boolean> {
  if (!user?.isActive) return false;
  if (user.isAdmin) return true;
  const kept = answers.get(user.id);
  if (kept && kept.until > now) return kept.moderates;
  const moderates = await holdsModeratorRole(registry, user);
  if (answers.size >= maxKept) answers.clear();
  answers.set(user.id, { moderates, until: now + keepMs });
  return moderates;
}

/** Forgets the kept answers (tests, or after a role change that must show at once). */
export function forgetModerators(userId?: number) {
  if (userId === undefined) answers.clear();
  else answers.delete(userId);
}
