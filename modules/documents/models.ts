import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** A folder of a container's documents; parentId null is the top level. */
export class Folder extends Model<InferAttributes<Folder>, InferCreationAttributes<Folder>> {
  declare id: CreationOptional<number>;
  declare containerType: string;
  declare containerId: number;
  declare parentId: number | null;
  declare name: string;
  declare nameKey: string;
  declare createdBy: number | null;
  /** Open only to the space's moderators, with everything under it. */
  declare isRestricted: CreationOptional<boolean>;
  /** In the trash (30 days), with the folders under it: every query of the model leaves it out (paranoid). */
  declare deletedAt: CreationOptional<Date | null>;
  declare deletedBy: CreationOptional<number | null>;
  /** The folder whose deletion took this one to the trash (itself for the one deleted). */
  declare trashRootId: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Folder.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        containerType: { type: DataTypes.STRING(32), allowNull: false },
        containerId: { type: DataTypes.INTEGER, allowNull: false },
        parentId: { type: DataTypes.INTEGER, allowNull: true },
        name: { type: DataTypes.STRING(255), allowNull: false },
        nameKey: { type: DataTypes.STRING(255), allowNull: false },
        createdBy: { type: DataTypes.INTEGER, allowNull: true },
        isRestricted: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        deletedAt: { type: DataTypes.DATE, allowNull: true },
        deletedBy: { type: DataTypes.INTEGER, allowNull: true },
        trashRootId: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "documents_folders", underscored: true, paranoid: true },
    );
  }
}

/** One upload form sent: the row behind its stream entry (the content's refId). */
export class Batch extends Model<InferAttributes<Batch>, InferCreationAttributes<Batch>> {
  declare id: CreationOptional<number>;
  declare containerType: string;
  declare containerId: number;
  declare uploaderId: number | null;
  declare noteHtml: CreationOptional<string>;
  declare note: CreationOptional<string>;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Batch.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        containerType: { type: DataTypes.STRING(32), allowNull: false },
        containerId: { type: DataTypes.INTEGER, allowNull: false },
        uploaderId: { type: DataTypes.INTEGER, allowNull: true },
        noteHtml: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
        note: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "documents_batches", underscored: true, updatedAt: false },
    );
  }
}

/** A document: its name and place; its bytes are its versions'. */
export class Document extends Model<InferAttributes<Document>, InferCreationAttributes<Document>> {
  declare id: CreationOptional<number>;
  declare containerType: string;
  declare containerId: number;
  declare folderId: number | null;
  declare name: string;
  declare nameKey: string;
  declare currentVersionId: number | null;
  declare uploaderId: number | null;
  declare deletedAt: CreationOptional<Date | null>;
  declare deletedBy: CreationOptional<number | null>;
  /** The folder whose deletion took it to the trash: it comes back when that folder is restored. */
  declare trashedWithFolder: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Document.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        containerType: { type: DataTypes.STRING(32), allowNull: false },
        containerId: { type: DataTypes.INTEGER, allowNull: false },
        folderId: { type: DataTypes.INTEGER, allowNull: true },
        name: { type: DataTypes.STRING(255), allowNull: false },
        nameKey: { type: DataTypes.STRING(255), allowNull: false },
        currentVersionId: { type: DataTypes.INTEGER, allowNull: true },
        uploaderId: { type: DataTypes.INTEGER, allowNull: true },
        deletedAt: { type: DataTypes.DATE, allowNull: true },
        deletedBy: { type: DataTypes.INTEGER, allowNull: true },
        trashedWithFolder: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "documents", underscored: true },
    );
  }
}

/** One version of a document: who uploaded it, when, why (the note), and its stored file. */
export class Version extends Model<InferAttributes<Version>, InferCreationAttributes<Version>> {
  declare id: CreationOptional<number>;
  declare documentId: number;
  declare fileId: number;
  declare uploaderId: number | null;
  declare batchId: number | null;
  declare note: CreationOptional<string>;
  declare size: number;
  declare mime: string;
  declare restoredFrom: CreationOptional<number | null>;
  declare hasThumbnail: CreationOptional<boolean>;
  /** Copies of the document's name and liveness, for search's triggers (kept in step by the module). */
  declare docName: CreationOptional<string>;
  declare isLive: CreationOptional<boolean>;
  /** In a folder for moderators only: search shows it to the space's moderators alone (search-visibility.ts). */
  declare inRestricted: CreationOptional<boolean>;
  /** The file's text, written by the "extract" job; null until then (or for files without text). */
  declare extractedText: CreationOptional<string | null>;
  /** A PDF's first page as an image file (host.files), drawn with the text; null for other files. */
  declare previewFileId: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Version.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        documentId: { type: DataTypes.INTEGER, allowNull: false },
        fileId: { type: DataTypes.INTEGER, allowNull: false },
        uploaderId: { type: DataTypes.INTEGER, allowNull: true },
        batchId: { type: DataTypes.INTEGER, allowNull: true },
        note: { type: DataTypes.STRING(500), allowNull: false, defaultValue: "" },
        size: { type: DataTypes.BIGINT, allowNull: false, get() { return Number(this.getDataValue("size")); } },
        mime: { type: DataTypes.STRING(255), allowNull: false },
        restoredFrom: { type: DataTypes.INTEGER, allowNull: true },
        hasThumbnail: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        docName: { type: DataTypes.STRING(255), allowNull: false, defaultValue: "" },
        isLive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        inRestricted: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        extractedText: { type: DataTypes.TEXT, allowNull: true },
        previewFileId: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "documents_versions", underscored: true, updatedAt: false },
    );
  }
}
