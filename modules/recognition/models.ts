import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

/** A badge of the catalogue admins manage; a retired one (isActive false) can no longer be given but keeps its kudos. */
export class Badge extends Model<InferAttributes<Badge>, InferCreationAttributes<Badge>> {
  declare id: CreationOptional<number>;
  declare nameEn: string;
  declare nameFr: string;
  declare descriptionEn: CreationOptional<string>;
  declare descriptionFr: CreationOptional<string>;
  declare companyValue: CreationOptional<string | null>;
  declare icon: CreationOptional<string>;
  declare iconFileId: CreationOptional<number | null>;
  declare points: CreationOptional<number>;
  declare isActive: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Badge.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        nameEn: { type: DataTypes.STRING(80), allowNull: false },
        nameFr: { type: DataTypes.STRING(80), allowNull: false },
        descriptionEn: { type: DataTypes.STRING(500), allowNull: false, defaultValue: "" },
        descriptionFr: { type: DataTypes.STRING(500), allowNull: false, defaultValue: "" },
        companyValue: { type: DataTypes.STRING(60), allowNull: true },
        icon: { type: DataTypes.STRING(32), allowNull: false, defaultValue: "star" },
        iconFileId: { type: DataTypes.INTEGER, allowNull: true },
        points: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: "recognition_badges", underscored: true },
    );
  }
}

/** One kudos: the module's row behind each "kudos" content (the content's refId). */
export class Kudos extends Model<InferAttributes<Kudos>, InferCreationAttributes<Kudos>> {
  declare id: CreationOptional<number>;
  declare giverId: number;
  declare badgeId: number;
  declare containerType: string;
  declare containerId: number;
  declare thanksGroup: CreationOptional<boolean>;
  declare message: CreationOptional<string>;
  declare messageHtml: string;
  declare contentId: CreationOptional<number | null>;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize) {
    Kudos.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        giverId: { type: DataTypes.INTEGER, allowNull: false },
        badgeId: { type: DataTypes.INTEGER, allowNull: false },
        containerType: { type: DataTypes.STRING(32), allowNull: false },
        containerId: { type: DataTypes.INTEGER, allowNull: false },
        thanksGroup: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        message: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
        messageHtml: { type: DataTypes.TEXT, allowNull: false },
        contentId: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: "recognition_kudos", underscored: true, timestamps: false },
    );
  }
}

/** A person thanked by a kudos (giver and time copied for the monthly cap per pair). */
export class KudosRecipient extends Model<InferAttributes<KudosRecipient>, InferCreationAttributes<KudosRecipient>> {
  declare id: CreationOptional<number>;
  declare kudosId: number;
  declare recipientId: number;
  declare giverId: number;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize) {
    KudosRecipient.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        kudosId: { type: DataTypes.INTEGER, allowNull: false },
        recipientId: { type: DataTypes.INTEGER, allowNull: false },
        giverId: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: "recognition_kudos_recipients", underscored: true, timestamps: false },
    );
  }
}

/** A person's own choices (their manager told of their kudos; out of every ranking). */
export class Preference extends Model<InferAttributes<Preference>, InferCreationAttributes<Preference>> {
  declare userId: number;
  declare notifyManager: CreationOptional<boolean>;
  declare hideFromRankings: CreationOptional<boolean>;

  static initModel(sequelize: Sequelize) {
    Preference.init(
      {
        userId: { type: DataTypes.INTEGER, primaryKey: true },
        notifyManager: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        hideFromRankings: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      },
      { sequelize, tableName: "recognition_preferences", underscored: true, timestamps: false },
    );
  }
}

/** A read-only link for an office screen; only the token's hash is stored, and a revoked link opens nothing. */
export class DisplayLink extends Model<InferAttributes<DisplayLink>, InferCreationAttributes<DisplayLink>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare tokenHash: string;
  declare createdBy: number;
  declare createdAt: CreationOptional<Date>;
  declare revokedAt: CreationOptional<Date | null>;

  static initModel(sequelize: Sequelize) {
    DisplayLink.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        name: { type: DataTypes.STRING(80), allowNull: false },
        tokenHash: { type: DataTypes.STRING(128), allowNull: false },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        revokedAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: "recognition_display_links", underscored: true, updatedAt: false },
    );
  }
}

/** A juror named by the admins, with a budget of points per period ("month" or "year"). */
export class Juror extends Model<InferAttributes<Juror>, InferCreationAttributes<Juror>> {
  declare userId: number;
  declare budget: number;
  declare period: CreationOptional<"month" | "year">;
  declare isActive: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    Juror.init(
      {
        userId: { type: DataTypes.INTEGER, primaryKey: true },
        budget: { type: DataTypes.INTEGER, allowNull: false },
        period: { type: DataTypes.STRING(8), allowNull: false, defaultValue: "month" },
        isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "recognition_jurors", underscored: true, updatedAt: false },
    );
  }
}

/** One entry of the append-only ledger: points a juror gave a post or a comment, with the reason. */
export class Award extends Model<InferAttributes<Award>, InferCreationAttributes<Award>> {
  declare id: CreationOptional<number>;
  declare jurorId: number;
  declare contentId: number;
  declare commentId: number | null;
  declare authorId: number;
  declare points: number;
  declare reason: string;
  declare periodKey: string;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize) {
    Award.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        jurorId: { type: DataTypes.INTEGER, allowNull: false },
        contentId: { type: DataTypes.INTEGER, allowNull: false },
        commentId: { type: DataTypes.INTEGER, allowNull: true },
        authorId: { type: DataTypes.INTEGER, allowNull: false },
        points: { type: DataTypes.INTEGER, allowNull: false },
        reason: { type: DataTypes.STRING(500), allowNull: false },
        periodKey: { type: DataTypes.STRING(8), allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: "recognition_awards", underscored: true, timestamps: false },
    );
  }
}

/** A declarative rule for an automatic badge: at least `threshold` of `metric` earns it; `revokes` takes it back when that no longer holds. */
export class BadgeRule extends Model<InferAttributes<BadgeRule>, InferCreationAttributes<BadgeRule>> {
  declare id: CreationOptional<number>;
  declare badgeId: number;
  declare metric: string;
  declare threshold: number;
  declare revokes: CreationOptional<boolean>;
  declare isActive: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    BadgeRule.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        badgeId: { type: DataTypes.INTEGER, allowNull: false },
        metric: { type: DataTypes.STRING(32), allowNull: false },
        threshold: { type: DataTypes.INTEGER, allowNull: false },
        revokes: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "recognition_badge_rules", underscored: true, updatedAt: false },
    );
  }
}

/** A badge a rule granted someone; revokedAt set when the rule took it back (it comes back if earned again). */
export class BadgeGrant extends Model<InferAttributes<BadgeGrant>, InferCreationAttributes<BadgeGrant>> {
  declare id: CreationOptional<number>;
  declare ruleId: number;
  declare badgeId: number;
  declare userId: number;
  declare grantedAt: Date;
  declare revokedAt: CreationOptional<Date | null>;

  static initModel(sequelize: Sequelize) {
    BadgeGrant.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        ruleId: { type: DataTypes.INTEGER, allowNull: false },
        badgeId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        grantedAt: { type: DataTypes.DATE, allowNull: false },
        revokedAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: "recognition_badge_grants", underscored: true, timestamps: false },
    );
  }
}

/** A year's message-of-the-year vote: "voting" until the admins close it and the result is posted. */
export class YearVote extends Model<InferAttributes<YearVote>, InferCreationAttributes<YearVote>> {
  declare year: number;
  declare status: CreationOptional<"voting" | "closed">;
  declare winnerContentId: CreationOptional<number | null>;
  declare resultContentId: CreationOptional<number | null>;
  declare createdAt: Date;
  declare closedAt: CreationOptional<Date | null>;

  static initModel(sequelize: Sequelize) {
    YearVote.init(
      {
        year: { type: DataTypes.INTEGER, primaryKey: true },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "voting" },
        winnerContentId: { type: DataTypes.INTEGER, allowNull: true },
        resultContentId: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        closedAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: "recognition_year_votes", underscored: true, timestamps: false },
    );
  }
}

export class YearCandidate extends Model<InferAttributes<YearCandidate>, InferCreationAttributes<YearCandidate>> {
  declare id: CreationOptional<number>;
  declare year: number;
  declare contentId: number;

  static initModel(sequelize: Sequelize) {
    YearCandidate.init(
      { id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true }, year: { type: DataTypes.INTEGER, allowNull: false }, contentId: { type: DataTypes.INTEGER, allowNull: false } },
      { sequelize, tableName: "recognition_year_candidates", underscored: true, timestamps: false },
    );
  }
}

export class YearBallot extends Model<InferAttributes<YearBallot>, InferCreationAttributes<YearBallot>> {
  declare id: CreationOptional<number>;
  declare year: number;
  declare jurorId: number;
  declare contentId: number;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize) {
    YearBallot.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        year: { type: DataTypes.INTEGER, allowNull: false },
        jurorId: { type: DataTypes.INTEGER, allowNull: false },
        contentId: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: "recognition_year_ballots", underscored: true, timestamps: false },
    );
  }
}
