import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** Why a reader reports something: a fixed list, so moderators can sort and count. */
export const reportReasons = ["spam", "harassment", "inappropriate", "confidential", "misinformation", "other"] as const;
export type ReportReason = (typeof reportReasons)[number];

export const reportStatuses = ["open", "dismissed", "actioned"] as const;
export type ReportStatus = (typeof reportStatuses)[number];

/** A reader's report of a content (or of one of its comments) for moderators; the reporter is never shown to its author. */
export class ContentReport extends Model<InferAttributes<ContentReport>, InferCreationAttributes<ContentReport>> {
  declare id: CreationOptional<number>;
  declare contentId: number;
  declare commentId: number | null;
  declare reporterId: number;
  declare reason: ReportReason;
  declare note: string | null;
  declare status: CreationOptional<ReportStatus>;
  declare resolvedAt: CreationOptional<Date | null>;
  declare resolvedBy: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    ContentReport.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contentId: { type: DataTypes.INTEGER, allowNull: false },
        commentId: { type: DataTypes.INTEGER, allowNull: true },
        reporterId: { type: DataTypes.INTEGER, allowNull: false },
        reason: { type: DataTypes.STRING(32), allowNull: false },
        note: { type: DataTypes.TEXT, allowNull: true },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "open" },
        resolvedAt: { type: DataTypes.DATE, allowNull: true },
        resolvedBy: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "content_reports", underscored: true },
    );
  }
}
