import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";
import { forgetOnWrite } from "../queries/viewer-memberships.ts";

/** Group roles, most powerful first. Core reads owner/admin as managers and moderator as moderators. */
export const groupRoles = ["owner", "admin", "moderator", "member"] as const;
export type GroupRole = (typeof groupRoles)[number];

/** "highlights": mentions and announcements only. */
export const notificationLevels = ["all", "highlights", "none"] as const;
export type NotificationLevel = (typeof notificationLevels)[number];

export type MembershipSource = "manual" | "directory";

export class GroupMembership extends Model<InferAttributes<GroupMembership>, InferCreationAttributes<GroupMembership>> {
  declare groupId: number;
  declare userId: number;
  declare role: GroupRole;
  declare showOnDashboard: CreationOptional<boolean>;
  declare notificationLevel: CreationOptional<NotificationLevel>;
  /** "directory" when a directory mapping granted it (only the directory takes it away), else "manual". */
  declare source: CreationOptional<MembershipSource>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    GroupMembership.init(
      {
        groupId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
        userId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
        role: { type: DataTypes.STRING(16), allowNull: false },
        showOnDashboard: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        notificationLevel: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "all" },
        source: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "manual" },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "group_memberships", underscored: true, hooks: forgetOnWrite },
    );
  }
}

export function isGroupRole(value: unknown): value is GroupRole {
  return typeof value === "string" && (groupRoles as readonly string[]).includes(value);
}
