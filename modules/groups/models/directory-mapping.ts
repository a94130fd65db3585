import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** Roles a directory mapping may grant: never "owner" (an owner is a person's choice, not a directory's). */
export const mappedRoles = ["admin", "moderator", "member"] as const;
export type MappedRole = (typeof mappedRoles)[number];

/** An instance admin's rule: members of the directory group `groupDn` are members of group `groupId` with `role`. */
export class GroupDirectoryMapping extends Model<InferAttributes<GroupDirectoryMapping>, InferCreationAttributes<GroupDirectoryMapping>> {
  declare id: CreationOptional<number>;
  /** normalizeDn form. */
  declare groupDn: string;
  declare groupId: number;
  declare role: MappedRole;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    GroupDirectoryMapping.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        groupDn: { type: DataTypes.STRING(1000), allowNull: false },
        groupId: { type: DataTypes.INTEGER, allowNull: false },
        role: { type: DataTypes.STRING(16), allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "group_directory_mappings", underscored: true },
    );
  }
}
