import { Op } from "sequelize";
import { User } from "../models/user.ts";
import { UserFollow } from "../models/mention.ts";
import { followsMemo } from "../people/follows-memo.ts";
import type { Container, ContainerTypeDefinition } from "../modules/types.ts";

/** The instance-wide company stream: one container, id 0, read and written by every member (guests only see their groups). */
export const companyContainer: Container = { type: "company", id: 0, slug: "company", name: "company" };

const isStaff = (user: User | null) => Boolean(user && user.isActive && user.role !== "guest");

/** The ids of the people the user follows: remembered across requests while the reader's subscriptions_version stays put (core/util/reader-memo.ts). */
export function followedIds(user: User): Promise<number[]> {
  return followsMemo.get(user, async () => {
    const follows = await UserFollow.findAll({ where: { followerId: user.id }, attributes: ["followedId"] });
    return follows.map((follow) => follow.followedId);
  });
}

export const companyContainerType: ContainerTypeDefinition = {
  type: "company",
  routePrefix: "",
  resolve: async (slug) => (slug === companyContainer.slug ? companyContainer : null),
  byIds: async (ids) => new Map(ids.includes(0) ? [[0, companyContainer]] : []),
  roleOf: async (user) => (isStaff(user) ? (user!.isAdmin ? "admin" : "member") : null),
  rolesOf: async (user, ids) => new Map(isStaff(user) && ids.includes(0) ? [[0, user.isAdmin ? "admin" : "member"]] : []),
  canRead: async (user) => isStaff(user),
  canPost: async (user) => isStaff(user),
  readableIds: async (user) => (isStaff(user) ? [0] : []),
  dashboardIds: async (user) => (isStaff(user) ? [0] : []),
};

/** The container of a person's profile stream, from their account row. */
export function profileContainer(user: User): Container {
  return { type: "user", id: user.id, slug: user.username, name: user.displayName };
}

/** A person's profile stream at /u/:username: its owner posts there; every member reads it; followers see it on their dashboard. */
export const userContainerType: ContainerTypeDefinition = {
  type: "user",
  routePrefix: "/u",
  resolve: async (slug) => {
    const user = await User.findOne({ where: { username: slug.toLowerCase(), status: "active" } });
    return user ? profileContainer(user) : null;
  },
  byIds: async (ids) => {
    const users = ids.length ? await User.findAll({ where: { id: { [Op.in]: ids } }, attributes: ["id", "username", "displayName"] }) : [];
    return new Map(users.map((user) => [user.id, profileContainer(user)]));
  },
  roleOf: async (user, container) => (user && user.id === container.id ? "owner" : isStaff(user) ? "member" : null),
  rolesOf: async (user, ids) => new Map(isStaff(user) ? ids.map((id) => [id, id === user.id ? "owner" : "member"]) : []),
  canRead: async (user, container) => isStaff(user) || Boolean(user && user.id === container.id),
  canPost: async (user, container) => user.isActive && (user.id === container.id || user.isAdmin),
  readableIds: async (user) => (isStaff(user) ? "all" : [user.id]),
  dashboardIds: async (user) => {
    // Guests read no one's profile but their own, whatever they followed before a change of role.
    if (!isStaff(user)) return [user.id];
    return [user.id, ...(await followedIds(user))];
  },
  memberIds: async (container) => [container.id],
};
