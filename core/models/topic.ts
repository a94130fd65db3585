import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

export class Topic extends Model<InferAttributes<Topic>, InferCreationAttributes<Topic>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare label: string;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Topic.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        name: { type: DataTypes.STRING(64), allowNull: false },
        label: { type: DataTypes.STRING(64), allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "topics", underscored: true, updatedAt: false },
    );
  }
}

/** A topic tag on a content; sort_at copies the content's so a topic page is one keyset scan. */
export class ContentTopic extends Model<InferAttributes<ContentTopic>, InferCreationAttributes<ContentTopic>> {
  declare contentId: number;
  declare topicId: number;
  declare sortAt: Date;

  static initModel(sequelize: Sequelize) {
    ContentTopic.init(
      {
        contentId: { type: DataTypes.INTEGER, primaryKey: true },
        topicId: { type: DataTypes.INTEGER, primaryKey: true },
        sortAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: "content_topics", underscored: true, timestamps: false },
    );
  }
}

export class TopicFollow extends Model<InferAttributes<TopicFollow>, InferCreationAttributes<TopicFollow>> {
  declare topicId: number;
  declare userId: number;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    TopicFollow.init(
      {
        topicId: { type: DataTypes.INTEGER, primaryKey: true },
        userId: { type: DataTypes.INTEGER, primaryKey: true },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "topic_follows", underscored: true, updatedAt: false },
    );
  }
}
