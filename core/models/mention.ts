import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";
import { followsMemo } from "../people/follows-memo.ts";

/** Someone named with @ in a content or one of its comments; only people who may read it are recorded. */
export class Mention extends Model<InferAttributes<Mention>, InferCreationAttributes<Mention>> {
  declare id: CreationOptional<number>;
  declare contentId: number;
  declare commentId: number | null;
  declare userId: number;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Mention.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contentId: { type: DataTypes.INTEGER, allowNull: false },
        commentId: { type: DataTypes.INTEGER, allowNull: true },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "mentions", underscored: true, updatedAt: false },
    );
  }
}

/** A person following another: the followed person's profile stream shows on the follower's dashboard. */
export class UserFollow extends Model<InferAttributes<UserFollow>, InferCreationAttributes<UserFollow>> {
  declare followerId: number;
  declare followedId: number;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    UserFollow.init(
      {
        followerId: { type: DataTypes.INTEGER, primaryKey: true },
        followedId: { type: DataTypes.INTEGER, primaryKey: true },
        createdAt: DataTypes.DATE,
      },
      // A follow started or stopped here shows on the follower's next page, even within the same request.
      { sequelize, tableName: "user_follows", underscored: true, updatedAt: false, hooks: followsMemo.hooks() },
    );
  }
}
