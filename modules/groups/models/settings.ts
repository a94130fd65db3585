import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** Roles granted a group-scope permission in one group, when its admins changed the defaults. */
export class GroupPermission extends Model<InferAttributes<GroupPermission>, InferCreationAttributes<GroupPermission>> {
  declare groupId: number;
  declare permissionId: string;
  /** JSON array of group roles. */
  declare roles: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    GroupPermission.init(
      {
        groupId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
        permissionId: { type: DataTypes.STRING(100), allowNull: false, primaryKey: true },
        roles: { type: DataTypes.STRING(200), allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "group_permissions", underscored: true },
    );
  }
}

/** A group's cover or icon, resized, kept in the database so that every app process serves it. */
export class GroupImage extends Model<InferAttributes<GroupImage>, InferCreationAttributes<GroupImage>> {
  declare groupId: number;
  declare kind: "cover" | "icon";
  declare mime: string;
  declare data: Buffer;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    GroupImage.init(
      {
        groupId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
        kind: { type: DataTypes.STRING(8), allowNull: false, primaryKey: true },
        mime: { type: DataTypes.STRING(32), allowNull: false },
        data: { type: DataTypes.BLOB, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "group_images", underscored: true },
    );
  }
}

/** The module's instance settings (who may create groups...), one JSON value per key. */
export class GroupSetting extends Model<InferAttributes<GroupSetting>, InferCreationAttributes<GroupSetting>> {
  declare key: string;
  declare value: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    GroupSetting.init(
      {
        key: { type: DataTypes.STRING(64), primaryKey: true },
        value: { type: DataTypes.TEXT, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "group_settings", underscored: true },
    );
  }
}
