import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** The note a person adds to a share (modules/groups/share.ts): Markdown, rendered and sanitised like a post. */
export class GroupShareNote extends Model<InferAttributes<GroupShareNote>, InferCreationAttributes<GroupShareNote>> {
  declare id: CreationOptional<number>;
  /** The share's own content id (not the original's): one note per share. */
  declare contentId: number;
  declare body: string;
  declare bodyHtml: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    GroupShareNote.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contentId: { type: DataTypes.INTEGER, allowNull: false, unique: true },
        body: { type: DataTypes.TEXT, allowNull: false },
        bodyHtml: { type: DataTypes.TEXT, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "group_share_notes", underscored: true },
    );
  }
}
