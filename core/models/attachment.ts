import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type NonAttribute, type Sequelize } from "sequelize";

/** The columns of a stored file's row (an attachment, a module's file): its keys under the uploads dir and what the file is. */
export function storedFileColumns(keyLength: number) {
  return {
    storageKey: { type: DataTypes.STRING(keyLength), allowNull: false },
    thumbnailKey: { type: DataTypes.STRING(keyLength), allowNull: true },
    originalName: { type: DataTypes.STRING(255), allowNull: false },
    mime: { type: DataTypes.STRING(128), allowNull: false },
    // BIGINT comes back from PostgreSQL as a string.
    size: {
      type: DataTypes.BIGINT,
      allowNull: false,
      get(this: Model) {
        return Number(this.getDataValue("size"));
      },
    },
    width: { type: DataTypes.INTEGER, allowNull: true },
    height: { type: DataTypes.INTEGER, allowNull: true },
  };
}

/** A file attached to a content (or to a comment of it): where it is stored, what it really is, and the name it came with. */
export class Attachment extends Model<InferAttributes<Attachment>, InferCreationAttributes<Attachment>> {
  declare id: CreationOptional<number>;
  declare contentId: number | null;
  declare commentId: number | null;
  declare uploaderId: number;
  declare storageKey: string;
  /** As the uploader named it, cleaned for display; never used as a path. */
  declare originalName: string;
  /** Sniffed from the bytes, never taken from the name or the browser. */
  declare mime: string;
  declare size: number;
  declare width: number | null;
  declare height: number | null;
  declare thumbnailKey: string | null;
  declare createdAt: CreationOptional<Date>;

  get isImage(): NonAttribute<boolean> {
    return this.mime.startsWith("image/");
  }

  static initModel(sequelize: Sequelize) {
    Attachment.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contentId: { type: DataTypes.INTEGER, allowNull: true },
        commentId: { type: DataTypes.INTEGER, allowNull: true },
        uploaderId: { type: DataTypes.INTEGER, allowNull: false },
        ...storedFileColumns(64),
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "attachments", underscored: true, updatedAt: false },
    );
  }
}
