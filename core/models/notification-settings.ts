import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

export const channels = ["web", "email"] as const;
export type Channel = (typeof channels)[number];
export const emailFrequencies = ["immediate", "daily", "weekly", "never"] as const;
export type EmailFrequency = (typeof emailFrequencies)[number];

/** A person's choice for one type and channel, stored only where it differs from the type's default. */
export class NotificationPreference extends Model<InferAttributes<NotificationPreference>, InferCreationAttributes<NotificationPreference>> {
  declare userId: number;
  declare type: string;
  declare channel: Channel;
  declare isEnabled: boolean;

  static initModel(sequelize: Sequelize) {
    NotificationPreference.init(
      {
        userId: { type: DataTypes.INTEGER, primaryKey: true },
        type: { type: DataTypes.STRING(64), primaryKey: true },
        channel: { type: DataTypes.STRING(8), primaryKey: true },
        isEnabled: { type: DataTypes.BOOLEAN, allowNull: false },
      },
      { sequelize, tableName: "notification_preferences", underscored: true, timestamps: false },
    );
  }
}

/** When notification mail goes out: at once or as a digest, quiet hours, the person's time zone. No row: the defaults. */
export class NotificationSetting extends Model<InferAttributes<NotificationSetting>, InferCreationAttributes<NotificationSetting>> {
  declare userId: number;
  declare emailFrequency: EmailFrequency;
  /** Quiet hours, local time: no mail from quietStart:00 until quietEnd:00 (may span midnight). */
  declare quietStart: number | null;
  declare quietEnd: number | null;
  declare timeZone: string | null;
  /** Local hour of summaries (0-23); null: the default, 8:00. */
  declare digestHour: number | null;
  declare nextDigestAt: Date | null;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    NotificationSetting.init(
      {
        userId: { type: DataTypes.INTEGER, primaryKey: true },
        emailFrequency: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "immediate" },
        quietStart: { type: DataTypes.INTEGER, allowNull: true },
        quietEnd: { type: DataTypes.INTEGER, allowNull: true },
        timeZone: { type: DataTypes.STRING(64), allowNull: true },
        digestHour: { type: DataTypes.INTEGER, allowNull: true },
        nextDigestAt: { type: DataTypes.DATE, allowNull: true },
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "notification_settings", underscored: true, createdAt: false },
    );
  }
}
