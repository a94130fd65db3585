import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** A post's own row (contents.type = "post", contents.ref_id = posts.id); its Markdown source is kept, HTML is rendered. */
export class Post extends Model<InferAttributes<Post>, InferCreationAttributes<Post>> {
  declare id: CreationOptional<number>;
  declare title: string | null;
  declare body: string;
  declare bodyHtml: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Post.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        title: { type: DataTypes.STRING(200), allowNull: true },
        body: { type: DataTypes.TEXT, allowNull: false },
        bodyHtml: { type: DataTypes.TEXT, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "posts", underscored: true },
    );
  }
}

/** The text a post had before an edit: shown to moderators. */
export class ContentRevision extends Model<InferAttributes<ContentRevision>, InferCreationAttributes<ContentRevision>> {
  declare id: CreationOptional<number>;
  declare contentId: number;
  declare editorId: number;
  declare title: string | null;
  declare body: string;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    ContentRevision.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contentId: { type: DataTypes.INTEGER, allowNull: false },
        editorId: { type: DataTypes.INTEGER, allowNull: false },
        title: { type: DataTypes.STRING(200), allowNull: true },
        body: { type: DataTypes.TEXT, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "content_revisions", underscored: true, updatedAt: false },
    );
  }
}
