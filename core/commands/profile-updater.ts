import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { User } from "../models/user.ts";
import { UserProfile, UserTag, type TagKind } from "../models/profile.ts";
import { tagName } from "../people/tags.ts";

/** The editable fields, each present only when the admin has it switched on: absent ones are left as they are. */
export interface ProfileInput {
  jobTitle?: string | null;
  department?: string | null;
  location?: string | null;
  phone?: string | null;
  /** A username, or null for no manager. */
  manager?: string | null;
  bio?: string | null;
  skills?: string[];
  languages?: string[];
}

/** A value the form could not catch alone (an unknown manager, a reporting loop): field and translation key. */
export class ProfileRejectedError extends Error {
  constructor(
    readonly field: string,
    readonly messageKey: string,
  ) {
    super(messageKey);
  }
}

/** Reporting lines longer than this are data errors, not org charts; the walk stops there. */
const maxChainDepth = 500;

/** Is the user already somewhere above the proposed manager (so the new line would close a loop)? One recursive query. */
async function isAboveInChain(sequelize: Sequelize, userId: number, managerId: number, transaction: Transaction): Promise<boolean> {
  const rows = await sequelize.query(
    `WITH RECURSIVE chain(id, depth) AS (
       SELECT manager_id, 1 FROM user_profiles WHERE user_id = :managerId AND manager_id IS NOT NULL
       UNION ALL
       SELECT p.manager_id, c.depth + 1 FROM user_profiles p JOIN chain c ON p.user_id = c.id
       WHERE p.manager_id IS NOT NULL AND c.depth < :maxChainDepth)
     SELECT 1 AS found FROM chain WHERE id = :userId LIMIT 1`,
    { replacements: { userId, managerId, maxChainDepth }, type: QueryTypes.SELECT, transaction },
  );
  return rows.length > 0;
}

async function managerIdFor(sequelize: Sequelize, user: User, username: string | null, transaction: Transaction): Promise<number | null> {
  if (!username) return null;
  const manager = await User.findOne({ where: { username: username.toLowerCase(), status: "active" }, attributes: ["id"], transaction });
  if (!manager) throw new ProfileRejectedError("manager", "profile:errors.managerUnknown");
  if (manager.id === user.id || (await isAboveInChain(sequelize, user.id, manager.id, transaction))) throw new ProfileRejectedError("manager", "profile:errors.managerCycle");
  return manager.id;
}

async function replaceTags(user: User, kind: TagKind, labels: string[], transaction: Transaction) {
  await UserTag.destroy({ where: { userId: user.id, kind }, transaction });
  await UserTag.bulkCreate(
    labels.map((label) => ({ userId: user.id, kind, name: tagName(label), label })),
    { transaction },
  );
}

/**
 * Saves a person's own profile in one transaction: fields, manager (refused if it would make a
 * reporting loop), skills and languages. Only the fields given are touched.
 */
export async function updateProfile(sequelize: Sequelize, user: User, input: ProfileInput): Promise<UserProfile> {
  return sequelize.transaction(async (transaction) => {
    // Two people naming each other at the same moment must not both pass the loop check (SQLite already serialises writers).
    if (input.manager !== undefined && sequelize.getDialect() === "postgres") await sequelize.query("SELECT pg_advisory_xact_lock(727401)", { transaction });
    const [profile] = await UserProfile.findOrCreate({ where: { userId: user.id }, transaction });
    const { skills, languages, manager, ...fields } = input;
    const changes: Partial<UserProfile> = { ...fields };
    if (manager !== undefined) changes.managerId = await managerIdFor(sequelize, user, manager, transaction);
    profile.set(changes);
    // updated_at moves even when only tags changed: it versions the profile.
    profile.changed("updatedAt", true);
    await profile.save({ transaction });
    if (skills) await replaceTags(user, "skill", skills, transaction);
    if (languages) await replaceTags(user, "language", languages, transaction);
    return profile;
  });
}
