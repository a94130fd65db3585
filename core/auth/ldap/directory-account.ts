import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** Links an Agora user to a directory entry by the entry's stable id; what the directory decided is remembered apart from what an admin did. */
export class DirectoryAccount extends Model<InferAttributes<DirectoryAccount>, InferCreationAttributes<DirectoryAccount>> {
  declare userId: number;
  /** entryUUID (OpenLDAP), objectGUID (Active Directory) or the attribute chosen in the settings. */
  declare externalId: string;
  /** As the directory shows it (readableDn). */
  declare dn: string;
  /** normalizeDn(dn): what manager and member values are matched against. */
  declare dnKey: string;
  /** Disabled because the entry left the directory or matched the disabled rule: the directory may enable it again, an admin's disable it may not. */
  declare isDisabledByDirectory: CreationOptional<boolean>;
  /** Admin through the admin group: taken back when the membership ends; a role an admin gave by hand is kept. */
  declare isAdminByDirectory: CreationOptional<boolean>;
  declare photoHash: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    DirectoryAccount.init(
      {
        userId: { type: DataTypes.INTEGER, primaryKey: true },
        externalId: { type: DataTypes.STRING(255), allowNull: false },
        dn: { type: DataTypes.TEXT, allowNull: false },
        dnKey: { type: DataTypes.TEXT, allowNull: false },
        isDisabledByDirectory: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        isAdminByDirectory: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        photoHash: { type: DataTypes.STRING(64), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "directory_accounts", underscored: true },
    );
  }
}
