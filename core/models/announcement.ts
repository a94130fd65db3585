import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type NonAttribute, type Sequelize } from "sequelize";

/** A content announced at the top of the dashboard (company stream) or of its container's page, until it ends or expires. */
export class Announcement extends Model<InferAttributes<Announcement>, InferCreationAttributes<Announcement>> {
  declare id: CreationOptional<number>;
  declare contentId: number;
  declare requiresAck: boolean;
  declare expiresAt: Date | null;
  declare createdBy: number;
  declare endedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  /** Still shown to readers who have not dismissed or acknowledged it. */
  isRunning(now = new Date()): NonAttribute<boolean> {
    return !this.endedAt && (!this.expiresAt || this.expiresAt > now);
  }

  static initModel(sequelize: Sequelize) {
    Announcement.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contentId: { type: DataTypes.INTEGER, allowNull: false, unique: true },
        requiresAck: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        expiresAt: { type: DataTypes.DATE, allowNull: true },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        endedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "announcements", underscored: true },
    );
  }
}

/** One reader's answer to an announcement: dismissed it, acknowledged it ("I have read this"), or both. */
export class AnnouncementReceipt extends Model<InferAttributes<AnnouncementReceipt>, InferCreationAttributes<AnnouncementReceipt>> {
  declare announcementId: number;
  declare userId: number;
  declare dismissedAt: CreationOptional<Date | null>;
  declare acknowledgedAt: CreationOptional<Date | null>;

  static initModel(sequelize: Sequelize) {
    AnnouncementReceipt.init(
      {
        announcementId: { type: DataTypes.INTEGER, primaryKey: true },
        userId: { type: DataTypes.INTEGER, primaryKey: true },
        dismissedAt: { type: DataTypes.DATE, allowNull: true },
        acknowledgedAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: "announcement_receipts", underscored: true, timestamps: false },
    );
  }
}
