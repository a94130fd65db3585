import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type NonAttribute, type Sequelize } from "sequelize";

/** One row per piece of content of any type (post, poll, document...): what streams, comments, reactions and search attach to. */
export class Content extends Model<InferAttributes<Content>, InferCreationAttributes<Content>> {
  declare id: CreationOptional<number>;
  declare type: string;
  declare refId: number | null;
  declare containerType: string;
  declare containerId: number;
  declare streamKey: string;
  declare authorId: number;
  declare sortAt: Date;
  declare editedAt: CreationOptional<Date | null>;
  declare deletedAt: CreationOptional<Date | null>;
  declare deletedBy: CreationOptional<number | null>;
  declare hiddenAt: CreationOptional<Date | null>;
  declare hiddenBy: CreationOptional<number | null>;
  declare pinnedAt: CreationOptional<Date | null>;
  declare commentCount: CreationOptional<number>;
  declare reactionCount: CreationOptional<number>;
  /** Moved by the database on any change to the content or what shows with it (core/db/render-versions.ts). */
  declare renderVersion: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  get isLive(): NonAttribute<boolean> {
    return !this.deletedAt && !this.hiddenAt;
  }

  static initModel(sequelize: Sequelize) {
    Content.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        type: { type: DataTypes.STRING(32), allowNull: false },
        refId: { type: DataTypes.INTEGER, allowNull: true },
        containerType: { type: DataTypes.STRING(32), allowNull: false },
        containerId: { type: DataTypes.INTEGER, allowNull: false },
        streamKey: { type: DataTypes.STRING(48), allowNull: false },
        authorId: { type: DataTypes.INTEGER, allowNull: false },
        sortAt: { type: DataTypes.DATE, allowNull: false },
        editedAt: { type: DataTypes.DATE, allowNull: true },
        deletedAt: { type: DataTypes.DATE, allowNull: true },
        deletedBy: { type: DataTypes.INTEGER, allowNull: true },
        hiddenAt: { type: DataTypes.DATE, allowNull: true },
        hiddenBy: { type: DataTypes.INTEGER, allowNull: true },
        pinnedAt: { type: DataTypes.DATE, allowNull: true },
        commentCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        reactionCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        renderVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "contents", underscored: true },
    );
  }
}

export function streamKeyOf(containerType: string, containerId: number) {
  return `${containerType}:${containerId}`;
}
