import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type NonAttribute, type Sequelize } from "sequelize";
import { User } from "./user.ts";

/** A browser session stored in the database, so that several processes share it and an admin can end it. */
export class Session extends Model<InferAttributes<Session>, InferCreationAttributes<Session>> {
  declare id: string;
  declare userId: number | null;
  declare data: string;
  declare expiresAt: Date;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** The signed-in account, when read with { include: "user" }. */
  declare user?: NonAttribute<User | null>;

  static initModel(sequelize: Sequelize) {
    Session.init(
      {
        id: { type: DataTypes.STRING(64), primaryKey: true },
        userId: { type: DataTypes.INTEGER, allowNull: true },
        data: { type: DataTypes.TEXT, allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "sessions", underscored: true },
    );
  }

  /** After every model is initialised: a session is read with its user in one query (core/auth/session-store.ts). */
  static associate() {
    Session.belongsTo(User, { as: "user", foreignKey: "userId", constraints: false });
  }
}
