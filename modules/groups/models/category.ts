import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** A directory category; built-in ones (slug set) show a translated name until an admin gives them one. */
export class GroupCategory extends Model<InferAttributes<GroupCategory>, InferCreationAttributes<GroupCategory>> {
  declare id: CreationOptional<number>;
  declare slug: string | null;
  declare name: string | null;
  declare position: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    GroupCategory.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        slug: { type: DataTypes.STRING(32), allowNull: true },
        name: { type: DataTypes.STRING(64), allowNull: true },
        position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "group_categories", underscored: true },
    );
  }
}
