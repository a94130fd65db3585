import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** Someone following a content (author, commenter, mentioned, or by choice); isFollowing false keeps an explicit unfollow. */
export class ContentFollow extends Model<InferAttributes<ContentFollow>, InferCreationAttributes<ContentFollow>> {
  declare contentId: number;
  declare userId: number;
  declare isFollowing: boolean;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    ContentFollow.init(
      {
        contentId: { type: DataTypes.INTEGER, primaryKey: true },
        userId: { type: DataTypes.INTEGER, primaryKey: true },
        isFollowing: { type: DataTypes.BOOLEAN, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "content_follows", underscored: true, updatedAt: false },
    );
  }
}
