import { QueryTypes, type Sequelize } from "sequelize";
import { User } from "../models/user.ts";
import { UserProfile, UserTag } from "../models/profile.ts";
import { renderMarkdown } from "../content/markdown.ts";
import { cardOf, personColumns, type PersonCard, type PersonRow } from "./cards.ts";
import type { FieldSwitches } from "./profile-fields.ts";

/** Direct reports listed on a profile; a larger team is counted, not listed. */
const reportsShown = 50;

/** Everything a profile page shows about a person besides the stream, honouring the admin's field switches. */
export interface ProfileView {
  profile: UserProfile | null;
  bioHtml: string;
  skills: UserTag[];
  languages: UserTag[];
  manager: User | null;
  reports: PersonCard[];
  hasMoreReports: boolean;
  followerCount: number;
  followingCount: number;
  isFollowing: boolean;
}

async function directReports(sequelize: Sequelize, managerId: number, fields: FieldSwitches) {
  const rows = await sequelize.query<PersonRow>(
    // From the manager index to the people (CROSS JOIN keeps that order on SQLite), then a sort of one team.
    `SELECT ${personColumns} FROM user_profiles p CROSS JOIN users u
     WHERE u.id = p.user_id AND p.manager_id = :managerId AND u.status = 'active' ORDER BY u.display_name, u.id LIMIT :limit`,
    { replacements: { managerId, limit: reportsShown + 1 }, type: QueryTypes.SELECT },
  );
  return { reports: rows.slice(0, reportsShown).map((row) => cardOf(row, fields)), hasMoreReports: rows.length > reportsShown };
}

/** Followers, people followed, and whether the viewer follows the person: one statement. */
async function followFigures(sequelize: Sequelize, personId: number, viewerId: number) {
  const [row] = await sequelize.query<{ followers: number | string; following: number | string; is_following: number | boolean }>(
    `SELECT (SELECT COUNT(*) FROM user_follows WHERE followed_id = :personId) AS followers,
            (SELECT COUNT(*) FROM user_follows WHERE follower_id = :personId) AS following,
            EXISTS (SELECT 1 FROM user_follows WHERE follower_id = :viewerId AND followed_id = :personId) AS is_following`,
    { replacements: { personId, viewerId }, type: QueryTypes.SELECT },
  );
  // PostgreSQL returns COUNT as text (bigint) and EXISTS as a boolean; SQLite returns numbers.
  return { followerCount: Number(row.followers), followingCount: Number(row.following), isFollowing: viewerId !== personId && Boolean(Number(row.is_following)) };
}

/** The page's view of a person; `profile` is their profile row, already read by the page (its photo is shown to all). */
export async function loadProfileView(sequelize: Sequelize, person: User, profile: UserProfile | null, viewer: User, fields: FieldSwitches): Promise<ProfileView> {
  const tags = fields.skills || fields.languages ? await UserTag.findAll({ where: { userId: person.id }, order: [["name", "ASC"]] }) : [];
  const manager = fields.manager && profile?.managerId ? await User.findOne({ where: { id: profile.managerId, status: "active" }, attributes: ["id", "username", "displayName"] }) : null;
  const { reports, hasMoreReports } = fields.manager ? await directReports(sequelize, person.id, fields) : { reports: [], hasMoreReports: false };
  const follows = await followFigures(sequelize, person.id, viewer.id);
  return {
    profile,
    bioHtml: fields.bio && profile?.bio ? renderMarkdown(profile.bio) : "",
    skills: fields.skills ? tags.filter((tag) => tag.kind === "skill") : [],
    languages: fields.languages ? tags.filter((tag) => tag.kind === "language") : [],
    manager,
    reports,
    hasMoreReports,
    ...follows,
  };
}
