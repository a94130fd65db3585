import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** Someone asking to join a private group; removed when a group admin approves or declines it. */
export class GroupRequest extends Model<InferAttributes<GroupRequest>, InferCreationAttributes<GroupRequest>> {
  declare id: CreationOptional<number>;
  declare groupId: number;
  declare userId: number;
  declare message: CreationOptional<string>;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    GroupRequest.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        groupId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        message: { type: DataTypes.STRING(500), allowNull: false, defaultValue: "" },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "group_requests", underscored: true, updatedAt: false },
    );
  }
}

/** A member asking the instance admins for a new group, when only admins may create groups. */
export class GroupProposal extends Model<InferAttributes<GroupProposal>, InferCreationAttributes<GroupProposal>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare name: string;
  declare description: CreationOptional<string>;
  declare visibility: string;
  declare reason: CreationOptional<string>;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    GroupProposal.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        name: { type: DataTypes.STRING(100), allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
        visibility: { type: DataTypes.STRING(16), allowNull: false },
        reason: { type: DataTypes.STRING(500), allowNull: false, defaultValue: "" },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "group_proposals", underscored: true, updatedAt: false },
    );
  }
}
