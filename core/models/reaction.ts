import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** The fixed set of reactions, in the order they are offered. */
export const reactionKinds = ["like", "celebrate", "support", "insightful", "funny"] as const;
export type ReactionKind = (typeof reactionKinds)[number];

export function isReactionKind(value: unknown): value is ReactionKind {
  return typeof value === "string" && (reactionKinds as readonly string[]).includes(value);
}

/** One person's reaction to a content (commentId null) or to one of its comments: one per person per item. */
export class Reaction extends Model<InferAttributes<Reaction>, InferCreationAttributes<Reaction>> {
  declare id: CreationOptional<number>;
  declare contentId: number;
  declare commentId: number | null;
  declare userId: number;
  declare kind: ReactionKind;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Reaction.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contentId: { type: DataTypes.INTEGER, allowNull: false },
        commentId: { type: DataTypes.INTEGER, allowNull: true },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        kind: { type: DataTypes.STRING(16), allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "reactions", underscored: true, updatedAt: false },
    );
  }
}
