import { DataTypes, Model, type NonAttribute, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

export const instanceRoles = ["admin", "member", "guest"] as const;
export type InstanceRole = (typeof instanceRoles)[number];
export const userStatuses = ["active", "pending", "disabled"] as const;
export type UserStatus = (typeof userStatuses)[number];

/** For loading people to show (authors, reactors, editors): everything but the password hash, which pages never need. */
export const shownUserAttributes = { exclude: ["passwordHash"] };

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare username: string;
  declare displayName: string;
  declare passwordHash: string | null;
  declare role: CreationOptional<InstanceRole>;
  declare status: CreationOptional<UserStatus>;
  declare language: string | null;
  declare authSource: CreationOptional<string>;
  declare lastLoginAt: Date | null;
  /** The profile photo's storage key (core/people/avatars.ts), or null for initials. */
  declare photoKey: CreationOptional<string | null>;
  declare streamSeenAt: CreationOptional<Date | null>;
  /** When the person finished or dismissed the dashboard's first-day block (core/people/first-day.ts); null while it shows. */
  declare firstDayClosedAt: CreationOptional<Date | null>;
  /** Moved by the database whenever whom the account follows or which groups it is in changes (core/db/subscriptions-version.ts). */
  declare subscriptionsVersion: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  get isAdmin(): NonAttribute<boolean> {
    return this.role === "admin";
  }

  get isActive(): NonAttribute<boolean> {
    return this.status === "active";
  }

  static initModel(sequelize: Sequelize) {
    User.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        email: { type: DataTypes.STRING(254), allowNull: false },
        username: { type: DataTypes.STRING(64), allowNull: false },
        displayName: { type: DataTypes.STRING(100), allowNull: false },
        passwordHash: { type: DataTypes.STRING(255), allowNull: true },
        role: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "member" },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "active" },
        language: { type: DataTypes.STRING(8), allowNull: true },
        authSource: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "local" },
        lastLoginAt: { type: DataTypes.DATE, allowNull: true },
        photoKey: { type: DataTypes.STRING(32), allowNull: true },
        streamSeenAt: { type: DataTypes.DATE, allowNull: true },
        firstDayClosedAt: { type: DataTypes.DATE, allowNull: true },
        subscriptionsVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "users", underscored: true },
    );
  }
}
