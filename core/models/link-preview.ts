import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

export type LinkPreviewStatus = "ready" | "failed";

/** What was fetched of one URL (core/content/link-previews/), shared by every content that links it. */
export class LinkPreview extends Model<InferAttributes<LinkPreview>, InferCreationAttributes<LinkPreview>> {
  /** SHA-256 of the URL as written. */
  declare urlHash: string;
  declare url: string;
  declare finalUrl: string | null;
  declare status: LinkPreviewStatus;
  declare title: string | null;
  declare description: string | null;
  declare siteName: string | null;
  /** The page's picture as a small WebP, or null. */
  declare image: Buffer | null;
  /** Short hash of the picture's bytes: its URL changes with it, so it may be cached for good. */
  declare imageHash: string | null;
  declare fetchedAt: Date;

  static initModel(sequelize: Sequelize) {
    LinkPreview.init(
      {
        urlHash: { type: DataTypes.STRING(64), primaryKey: true },
        url: { type: DataTypes.TEXT, allowNull: false },
        finalUrl: { type: DataTypes.TEXT, allowNull: true },
        status: { type: DataTypes.STRING(16), allowNull: false },
        title: { type: DataTypes.STRING(200), allowNull: true },
        description: { type: DataTypes.STRING(400), allowNull: true },
        siteName: { type: DataTypes.STRING(100), allowNull: true },
        image: { type: DataTypes.BLOB, allowNull: true },
        imageHash: { type: DataTypes.STRING(16), allowNull: true },
        fetchedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: "link_previews", underscored: true, timestamps: false },
    );
  }
}

/** Which URL's card a content shows; hidden once its author removed the card. */
export class ContentLinkPreview extends Model<InferAttributes<ContentLinkPreview>, InferCreationAttributes<ContentLinkPreview>> {
  declare contentId: number;
  declare urlHash: string;
  declare url: string;
  declare hidden: CreationOptional<boolean>;

  static initModel(sequelize: Sequelize) {
    ContentLinkPreview.init(
      {
        contentId: { type: DataTypes.INTEGER, primaryKey: true },
        urlHash: { type: DataTypes.STRING(64), allowNull: false },
        url: { type: DataTypes.TEXT, allowNull: false },
        hidden: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      },
      { sequelize, tableName: "content_link_previews", underscored: true, timestamps: false },
    );
  }
}
