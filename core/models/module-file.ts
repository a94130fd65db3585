import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";
import { storedFileColumns } from "./attachment.ts";

/** A file a module stored (host.files): where it is, what it really is, and the content it belongs to, if any. */
export class ModuleFile extends Model<InferAttributes<ModuleFile>, InferCreationAttributes<ModuleFile>> {
  declare id: CreationOptional<number>;
  declare moduleId: string;
  /** Served only while its reader may read this content; goes with it when the content is deleted for good. */
  declare contentId: number | null;
  declare uploaderId: number | null;
  /** "modules/<module id>/<yyyy>/<mm>/<uuid>" under the uploads dir: made by the server, never from a name. */
  declare storageKey: string;
  declare thumbnailKey: string | null;
  /** As it was named, cleaned for display; never used as a path. */
  declare originalName: string;
  /** Sniffed from the bytes. */
  declare mime: string;
  declare size: number;
  declare width: number | null;
  declare height: number | null;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    ModuleFile.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        moduleId: { type: DataTypes.STRING(64), allowNull: false },
        contentId: { type: DataTypes.INTEGER, allowNull: true },
        uploaderId: { type: DataTypes.INTEGER, allowNull: true },
        ...storedFileColumns(128),
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "module_files", underscored: true, updatedAt: false },
    );
  }
}
