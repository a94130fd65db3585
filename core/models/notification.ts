import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** One line in a person's notification list; later events on the same item fold into it while it is unread and not mailed. */
export class Notification extends Model<InferAttributes<Notification>, InferCreationAttributes<Notification>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare type: string;
  declare groupKey: string;
  declare messageKey: string | null;
  declare actorId: number | null;
  declare actorCount: CreationOptional<number>;
  declare contentId: number | null;
  declare containerType: string | null;
  declare containerId: number | null;
  declare url: string;
  declare subjectText: string | null;
  declare isListed: CreationOptional<boolean>;
  declare readAt: CreationOptional<Date | null>;
  declare emailedAt: CreationOptional<Date | null>;
  declare digestJobId: CreationOptional<number | null>;
  declare sortAt: Date;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Notification.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        type: { type: DataTypes.STRING(64), allowNull: false },
        groupKey: { type: DataTypes.STRING(191), allowNull: false },
        messageKey: { type: DataTypes.STRING(100), allowNull: true },
        actorId: { type: DataTypes.INTEGER, allowNull: true },
        actorCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        contentId: { type: DataTypes.INTEGER, allowNull: true },
        containerType: { type: DataTypes.STRING(32), allowNull: true },
        containerId: { type: DataTypes.INTEGER, allowNull: true },
        url: { type: DataTypes.STRING(500), allowNull: false },
        subjectText: { type: DataTypes.STRING(200), allowNull: true },
        isListed: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        readAt: { type: DataTypes.DATE, allowNull: true },
        emailedAt: { type: DataTypes.DATE, allowNull: true },
        digestJobId: { type: DataTypes.INTEGER, allowNull: true },
        sortAt: { type: DataTypes.DATE, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "notifications", underscored: true },
    );
  }
}

/** Who took part in a grouped notification, once each: the count in "Anna and 4 others". */
export class NotificationActor extends Model<InferAttributes<NotificationActor>, InferCreationAttributes<NotificationActor>> {
  declare notificationId: number;
  declare userId: number;

  static initModel(sequelize: Sequelize) {
    NotificationActor.init(
      {
        notificationId: { type: DataTypes.INTEGER, primaryKey: true },
        userId: { type: DataTypes.INTEGER, primaryKey: true },
      },
      { sequelize, tableName: "notification_actors", underscored: true, timestamps: false },
    );
  }
}
