import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** An invitation into a group: to an existing account (userId), or by e-mail with a link token (only its hash is kept). */
export class GroupInvitation extends Model<InferAttributes<GroupInvitation>, InferCreationAttributes<GroupInvitation>> {
  declare id: CreationOptional<number>;
  declare groupId: number;
  declare inviterId: number | null;
  declare userId: number | null;
  declare email: string | null;
  declare tokenHash: string | null;
  declare expiresAt: Date;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    GroupInvitation.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        groupId: { type: DataTypes.INTEGER, allowNull: false },
        inviterId: { type: DataTypes.INTEGER, allowNull: true },
        userId: { type: DataTypes.INTEGER, allowNull: true },
        email: { type: DataTypes.STRING(254), allowNull: true },
        tokenHash: { type: DataTypes.STRING(64), allowNull: true },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "group_invitations", underscored: true, updatedAt: false },
    );
  }
}
