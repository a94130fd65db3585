import { DataTypes, type QueryInterface } from "sequelize";

// WebDAV class 2 write locks, one row per lock, shared by every server process; a lock is over when expires_at has passed.
export async function up(qi: QueryInterface) {
  await qi.createTable("documents_dav_locks", {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    token: { type: DataTypes.STRING(80), allowNull: false },
    user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE" },
    /** The locked path, each name folded as in nameKey, joined with "/": "<space>/<folder>/<file>". */
    path_key: { type: DataTypes.TEXT, allowNull: false },
    /** The address as the client wrote it (the lock root shown in lockdiscovery). */
    href: { type: DataTypes.TEXT, allowNull: false },
    /** sha256 of path_key: one lock per path (an exclusive lock taken by two processes at once: one wins). */
    path_hash: { type: DataTypes.STRING(64), allowNull: false },
    /** 0 (the resource only) or -1 (infinity: a folder and everything under it). */
    depth: { type: DataTypes.INTEGER, allowNull: false },
    owner: { type: DataTypes.STRING(255), allowNull: true },
    timeout_seconds: { type: DataTypes.INTEGER, allowNull: false },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex("documents_dav_locks", ["token"], { unique: true });
  await qi.addIndex("documents_dav_locks", ["path_hash"], { unique: true });
}

export async function down(qi: QueryInterface) {
  await qi.dropTable("documents_dav_locks");
}
