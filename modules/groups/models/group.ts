import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type NonAttribute, type Sequelize } from "sequelize";
import type { Container } from "../../../core/sdk/index.ts";
import { forgetOnWrite } from "../queries/viewer-memberships.ts";

export const visibilities = ["open", "private", "secret"] as const;
export type Visibility = (typeof visibilities)[number];

/** A group: a community, project, department or club; the "group" container its stream lives in. */
export class Group extends Model<InferAttributes<Group>, InferCreationAttributes<Group>> {
  declare id: CreationOptional<number>;
  declare slug: string;
  declare name: string;
  declare sortName: string;
  declare description: CreationOptional<string>;
  declare summary: CreationOptional<string>;
  declare categoryId: number | null;
  declare tags: CreationOptional<string>;
  declare visibility: Visibility;
  declare isArchived: CreationOptional<boolean>;
  declare isDefault: CreationOptional<boolean>;
  declare coverKey: CreationOptional<string | null>;
  declare iconKey: CreationOptional<string | null>;
  /** Kept by database triggers on group_memberships (migration member-count-triggers): never written by the application. */
  declare memberCount: CreationOptional<number>;
  declare createdBy: number | null;
  declare archivedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  get url(): NonAttribute<string> {
    return `/g/${this.slug}`;
  }

  get tagList(): NonAttribute<string[]> {
    return this.tags.split(" ").filter(Boolean);
  }

  get container(): NonAttribute<Container> {
    return containerOf(this);
  }

  static initModel(sequelize: Sequelize) {
    Group.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        slug: { type: DataTypes.STRING(64), allowNull: false },
        name: { type: DataTypes.STRING(100), allowNull: false },
        sortName: { type: DataTypes.STRING(100), allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
        summary: { type: DataTypes.STRING(200), allowNull: false, defaultValue: "" },
        categoryId: { type: DataTypes.INTEGER, allowNull: true },
        tags: { type: DataTypes.STRING(400), allowNull: false, defaultValue: "" },
        visibility: { type: DataTypes.STRING(16), allowNull: false },
        isArchived: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        isDefault: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        coverKey: { type: DataTypes.STRING(40), allowNull: true },
        iconKey: { type: DataTypes.STRING(40), allowNull: true },
        memberCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdBy: { type: DataTypes.INTEGER, allowNull: true },
        archivedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "groups", underscored: true, hooks: forgetOnWrite },
    );
  }
}

/** The plain container core sees for a group. */
export function containerOf(group: Pick<Group, "id" | "slug" | "name">): Container {
  return { type: "group", id: group.id, slug: group.slug, name: group.name };
}
