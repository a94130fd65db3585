import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/**
 * Instance row (container NULL): "disabled" | "enabled" | "forced" (on in every container).
 * Container row: "enabled" | "disabled", chosen by the container's admins.
 */
export type ModuleStateValue = "disabled" | "enabled" | "forced";

export class ModuleState extends Model<InferAttributes<ModuleState>, InferCreationAttributes<ModuleState>> {
  declare id: CreationOptional<number>;
  declare moduleId: string;
  declare containerType: string | null;
  declare containerId: number | null;
  declare state: ModuleStateValue;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    ModuleState.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        moduleId: { type: DataTypes.STRING(64), allowNull: false },
        containerType: { type: DataTypes.STRING(32), allowNull: true },
        containerId: { type: DataTypes.INTEGER, allowNull: true },
        state: { type: DataTypes.STRING(16), allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "module_states", underscored: true },
    );
  }
}
