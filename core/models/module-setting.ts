import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** One module's settings for one scope: the site ("") or a container ("group:12"). Read through core/modules/settings.ts. */
export class ModuleSetting extends Model<InferAttributes<ModuleSetting>, InferCreationAttributes<ModuleSetting>> {
  declare id: CreationOptional<number>;
  declare moduleId: string;
  declare scopeKey: string;
  /** JSON object of the values an admin saved. */
  declare values: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    ModuleSetting.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        moduleId: { type: DataTypes.STRING(64), allowNull: false },
        scopeKey: { type: DataTypes.STRING(64), allowNull: false },
        values: { type: DataTypes.TEXT, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "module_settings", underscored: true },
    );
  }
}
