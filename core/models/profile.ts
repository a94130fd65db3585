import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** What a person says about themselves beyond their account: one row per user, created on first save. */
export class UserProfile extends Model<InferAttributes<UserProfile>, InferCreationAttributes<UserProfile>> {
  declare userId: number;
  declare jobTitle: string | null;
  declare department: string | null;
  declare location: string | null;
  declare phone: string | null;
  declare managerId: number | null;
  /** Markdown source; rendered and sanitised when shown. */
  declare bio: string | null;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    UserProfile.init(
      {
        userId: { type: DataTypes.INTEGER, primaryKey: true },
        jobTitle: { type: DataTypes.STRING(100), allowNull: true },
        department: { type: DataTypes.STRING(100), allowNull: true },
        location: { type: DataTypes.STRING(100), allowNull: true },
        phone: { type: DataTypes.STRING(40), allowNull: true },
        managerId: { type: DataTypes.INTEGER, allowNull: true },
        bio: { type: DataTypes.TEXT, allowNull: true },
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "user_profiles", underscored: true, createdAt: false },
    );
  }
}

export const tagKinds = ["skill", "language"] as const;
export type TagKind = (typeof tagKinds)[number];

/** A skill or a spoken language on a profile: name is the normalised form filters match, label what the person typed. */
export class UserTag extends Model<InferAttributes<UserTag>, InferCreationAttributes<UserTag>> {
  declare userId: number;
  declare kind: TagKind;
  declare name: string;
  declare label: string;

  static initModel(sequelize: Sequelize) {
    UserTag.init(
      {
        userId: { type: DataTypes.INTEGER, primaryKey: true },
        kind: { type: DataTypes.STRING(16), primaryKey: true },
        name: { type: DataTypes.STRING(40), primaryKey: true },
        label: { type: DataTypes.STRING(40), allowNull: false },
      },
      { sequelize, tableName: "user_tags", underscored: true, timestamps: false },
    );
  }
}
