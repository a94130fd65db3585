import { DataTypes, type QueryInterface } from "sequelize";
import { contentVersionTriggers, dropContentVersionTriggers } from "../db/render-versions.ts";

/**
 * Link previews: what was fetched of a URL (one row per URL, shared by every content linking it; the
 * picture as a small WebP kept in the row), and which content shows which URL's card (hidden when its
 * author removed the card). A change of the second moves the content's render version.
 */
export async function up(qi: QueryInterface) {
  await qi.createTable("link_previews", {
    url_hash: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    url: { type: DataTypes.TEXT, allowNull: false },
    final_url: { type: DataTypes.TEXT, allowNull: true },
    status: { type: DataTypes.STRING(16), allowNull: false },
    title: { type: DataTypes.STRING(200), allowNull: true },
    description: { type: DataTypes.STRING(400), allowNull: true },
    site_name: { type: DataTypes.STRING(100), allowNull: true },
    image: { type: DataTypes.BLOB, allowNull: true },
    image_hash: { type: DataTypes.STRING(16), allowNull: true },
    fetched_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.createTable("content_link_previews", {
    content_id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false, references: { model: "contents", key: "id" }, onDelete: "CASCADE" },
    url_hash: { type: DataTypes.STRING(64), allowNull: false },
    url: { type: DataTypes.TEXT, allowNull: false },
    hidden: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
  });
  await qi.addIndex("content_link_previews", ["url_hash"], { name: "content_link_previews_url" });
  for (const statement of contentVersionTriggers(qi.sequelize.getDialect() as "sqlite" | "postgres", "content_link_previews")) await qi.sequelize.query(statement);
}

export async function down(qi: QueryInterface) {
  for (const statement of dropContentVersionTriggers(qi.sequelize.getDialect() as "sqlite" | "postgres", "content_link_previews")) await qi.sequelize.query(statement);
  await qi.dropTable("content_link_previews");
  await qi.dropTable("link_previews");
}
