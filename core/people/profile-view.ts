import { QueryTypes, type Sequelize } from "sequelize";
import { User } from "../models/user.ts";
import { UserFollow } from "../models/mention.ts";
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

export async function loadProfileView(sequelize: Sequelize, person: User, viewer: User, fields: FieldSwitches): Promise<ProfileView> {
  const profile = await UserProfile.findByPk(person.id);
  const tags = fields.skills || fields.languages ? await UserTag.findAll({ where: { userId: person.id }, order: [["name", "ASC"]] }) : [];
  const manager = fields.manager && profile?.managerId ? await User.findOne({ where: { id: profile.managerId, status: "active" } }) : null;
  const { reports, hasMoreReports } = fields.manager ? await directReports(sequelize, person.id, fields) : { reports: [], hasMoreReports: false };
  const [followerCount, followingCount, following] = await Promise.all([
    UserFollow.count({ where: { followedId: person.id } }),
    UserFollow.count({ where: { followerId: person.id } }),
    viewer.id === person.id ? null : UserFollow.findOne({ where: { followerId: viewer.id, followedId: person.id } }),
  ]);
  return {
    profile,
    bioHtml: fields.bio && profile?.bio ? renderMarkdown(profile.bio) : "",
    skills: fields.skills ? tags.filter((tag) => tag.kind === "skill") : [],
    languages: fields.languages ? tags.filter((tag) => tag.kind === "language") : [],
    manager,
    reports,
    hasMoreReports,
    followerCount,
    followingCount,
    isFollowing: Boolean(following),
  };
}
