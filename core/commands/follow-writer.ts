import type { User } from "../models/user.ts";
import { UserFollow } from "../models/mention.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import { forbidden } from "../http/errors.ts";

/** Only staff follow people: a guest's dashboard must never gain profile streams they may not read. */
function mayFollow(follower: User, followed: User) {
  return follower.isActive && follower.role !== "guest" && followed.isActive && follower.id !== followed.id;
}

/** Starts following a person (idempotent); modules hear about a new follow, not a repeated one. */
export async function follow(registry: ModuleRegistry, follower: User, followed: User): Promise<void> {
  if (!mayFollow(follower, followed)) throw forbidden("profile:errors.cannotFollow");
  const [, created] = await UserFollow.findOrCreate({ where: { followerId: follower.id, followedId: followed.id } });
  if (created) await registry.hooks.emit("user.followed", { follower, followed });
}

/** Stops following (idempotent). */
export async function unfollow(follower: User, followed: User): Promise<void> {
  await UserFollow.destroy({ where: { followerId: follower.id, followedId: followed.id } });
}
