import { Op, type Transaction } from "sequelize";
import { Content } from "../models/content.ts";
import { Post } from "../models/post.ts";
import { User } from "../models/user.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { Container } from "../modules/types.ts";
import { ContentPolicy } from "../policies/content.ts";
import type { ContainerNotificationLevel, NotificationLevelRule } from "./types.ts";

/**
 * Everyone a container addresses (announcements, @everyone): the company stream and profiles are read by
 * every active non-guest account; another container type names its members. Read access is checked after.
 */
export async function audienceIds(registry: ModuleRegistry, ref: { type: string; id: number }, transaction?: Transaction): Promise<number[]> {
  if (ref.type === "company" || ref.type === "user") {
    const staff = await User.findAll({ where: { status: "active", role: { [Op.ne]: "guest" } }, attributes: ["id"], transaction });
    return staff.map((user) => user.id);
  }
  const definition = registry.containerType(ref.type);
  const container = definition ? (await definition.byIds([ref.id])).get(ref.id) : undefined;
  return definition?.memberIds && container ? definition.memberIds(container) : [];
}

/** Active accounts among these ids, except the actor: nobody is told about what they did themselves. */
export async function activeRecipients(ids: number[], actorId: number | null, transaction?: Transaction): Promise<User[]> {
  const wanted = ids.filter((id) => id !== actorId);
  if (wanted.length === 0) return [];
  return User.findAll({ where: { id: { [Op.in]: wanted }, status: "active" }, transaction });
}

/**
 * Keeps the people who may open the content, each asked through the policy layer as themselves (its module on
 * where it lives, and shown to them by its type: a documents upload whose files all went into a folder for
 * moderators only tells the others nothing more).
 */
export async function readersOf(registry: ModuleRegistry, content: Content | null, users: User[]): Promise<User[]> {
  if (!content) return users;
  // The module's switch is the same for everyone: asked once, not per recipient as canOpen would.
  if (!(await registry.isContentSwitchedOn(content))) return [];
  const kept: User[] = [];
  for (const user of users) if ((await new ContentPolicy(registry, user).canRead(content)) && (await registry.isContentShownTo(content, user))) kept.push(user);
  return kept;
}

const reaches: Record<ContainerNotificationLevel, NotificationLevelRule[]> = {
  all: ["activity", "highlight", "always"],
  highlights: ["highlight", "always"],
  none: ["always"],
};

/** Applies each member's level in the container ("all", "highlights", "none") when its type answers it. */
export async function withinLevel(registry: ModuleRegistry, ref: { type: string; id: number } | null, rule: NotificationLevelRule, users: User[]): Promise<User[]> {
  if (!ref || rule === "always" || users.length === 0) return users;
  const definition = registry.containerType(ref.type);
  if (!definition?.notificationLevels) return users;
  const container: Container | undefined = (await definition.byIds([ref.id])).get(ref.id);
  if (!container) return users;
  const levels = await definition.notificationLevels(container, users.map((user) => user.id));
  return users.filter((user) => reaches[levels.get(user.id) ?? "all"].includes(rule));
}

const subjectLength = 80;

/** A post's title, else the start of its text without Markdown marks: what a notification names. */
export async function subjectTextOf(content: Content | null): Promise<string | null> {
  if (!content || content.type !== "post" || !content.refId) return null;
  const post = await Post.findByPk(content.refId, { attributes: ["title", "body"] });
  if (!post) return null;
  if (post.title) return post.title.slice(0, 200);
  const text = post.body.replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[#>*_`~|]+/g, "").replace(/\s+/g, " ").trim();
  return text.length > subjectLength ? `${text.slice(0, subjectLength - 1).trimEnd()}…` : text;
}
