import { DataTypes, type QueryInterface } from "sequelize";

export async function up(qi: QueryInterface) {
  await qi.createTable("recognition_badges", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    name_en: { type: DataTypes.STRING(80), allowNull: false },
    name_fr: { type: DataTypes.STRING(80), allowNull: false },
    description_en: { type: DataTypes.STRING(500), allowNull: false, defaultValue: "" },
    description_fr: { type: DataTypes.STRING(500), allowNull: false, defaultValue: "" },
    company_value: { type: DataTypes.STRING(60), allowNull: true },
    icon: { type: DataTypes.STRING(32), allowNull: false, defaultValue: "star" },
    icon_file_id: { type: DataTypes.INTEGER, allowNull: true },
    points: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("recognition_badges", ["is_active", "id"]);

  // One kudos: its giver, its badge, where it was posted (the content's container) and whether it thanks that whole group.
  await qi.createTable("recognition_kudos", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    giver_id: { type: DataTypes.INTEGER, allowNull: false },
    badge_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "recognition_badges", key: "id" } },
    container_type: { type: DataTypes.STRING(32), allowNull: false },
    container_id: { type: DataTypes.INTEGER, allowNull: false },
    thanks_group: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    message_html: { type: DataTypes.TEXT, allowNull: false },
    content_id: { type: DataTypes.INTEGER, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("recognition_kudos", ["giver_id", "created_at"]);
  await qi.addIndex("recognition_kudos", ["container_type", "container_id", "id"]);
  await qi.addIndex("recognition_kudos", ["badge_id", "id"]);
  await qi.addIndex("recognition_kudos", ["content_id"]);

  // Its recipients, with the giver and time copied so the monthly cap per pair is one indexed count.
  await qi.createTable("recognition_kudos_recipients", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    kudos_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "recognition_kudos", key: "id" }, onDelete: "CASCADE" },
    recipient_id: { type: DataTypes.INTEGER, allowNull: false },
    giver_id: { type: DataTypes.INTEGER, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("recognition_kudos_recipients", ["kudos_id", "recipient_id"], { unique: true });
  await qi.addIndex("recognition_kudos_recipients", ["giver_id", "recipient_id", "created_at"]);
  await qi.addIndex("recognition_kudos_recipients", ["recipient_id", "kudos_id"]);

  // A person's choices: tell my manager of kudos I receive; keep me out of rankings.
  await qi.createTable("recognition_preferences", {
    user_id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    notify_manager: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    hide_from_rankings: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
  });

  // Read-only links for office screens: only the token's hash is kept.
  await qi.createTable("recognition_display_links", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    name: { type: DataTypes.STRING(80), allowNull: false },
    token_hash: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    created_by: { type: DataTypes.INTEGER, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
    revoked_at: { type: DataTypes.DATE, allowNull: true },
  });
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("recognition_display_links");
  await qi.dropTable("recognition_preferences");
  await qi.dropTable("recognition_kudos_recipients");
  await qi.dropTable("recognition_kudos");
  await qi.dropTable("recognition_badges");
}
