import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

export const livePhases = ["lobby", "question", "reveal", "finished"] as const;
export type LivePhase = (typeof livePhases)[number];

/** A quiz run live: where the presenter is (phase, question), kept in the database so every process and a restart agree. */
export class LiveSession extends Model<InferAttributes<LiveSession>, InferCreationAttributes<LiveSession>> {
  declare id: CreationOptional<number>;
  declare pollId: number;
  declare presenterId: number;
  declare phase: CreationOptional<LivePhase>;
  /** Moves by one at every change of phase or question: presenter forms carry it, so a stale or double click changes nothing. */
  declare step: CreationOptional<number>;
  /** The current question's index in the quiz's order (-1 in the lobby). */
  declare position: CreationOptional<number>;
  declare questionId: CreationOptional<number | null>;
  /** When the current question opened (server time): the time bonus counts from it. */
  declare openedAt: CreationOptional<Date | null>;
  declare bonusSeconds: CreationOptional<number>;
  declare startedAt: Date;
  declare finishedAt: CreationOptional<Date | null>;
  declare rankingPostedAt: CreationOptional<Date | null>;
  declare ranking: CreationOptional<string | null>;

  static initModel(sequelize: Sequelize) {
    LiveSession.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        pollId: { type: DataTypes.INTEGER, allowNull: false },
        presenterId: { type: DataTypes.INTEGER, allowNull: false },
        phase: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "lobby" },
        step: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: -1 },
        questionId: { type: DataTypes.INTEGER, allowNull: true },
        openedAt: { type: DataTypes.DATE, allowNull: true },
        bonusSeconds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 20 },
        startedAt: { type: DataTypes.DATE, allowNull: false },
        finishedAt: { type: DataTypes.DATE, allowNull: true },
        rankingPostedAt: { type: DataTypes.DATE, allowNull: true },
        ranking: { type: DataTypes.TEXT, allowNull: true },
      },
      { sequelize, tableName: "quiz_live_sessions", underscored: true, timestamps: false },
    );
  }
}

/** One person's answer to one live question, with what it scored (one per person and question, by unique index). */
export class LiveAnswer extends Model<InferAttributes<LiveAnswer>, InferCreationAttributes<LiveAnswer>> {
  declare id: string;
  declare sessionId: number;
  declare questionId: number;
  declare userId: number;
  declare score: number;
  declare bonus: number;
  declare answeredAt: Date;

  static initModel(sequelize: Sequelize) {
    LiveAnswer.init(
      {
        id: { type: DataTypes.STRING(32), primaryKey: true },
        sessionId: { type: DataTypes.INTEGER, allowNull: false },
        questionId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        score: { type: DataTypes.INTEGER, allowNull: false },
        bonus: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        answeredAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: "quiz_live_answers", underscored: true, timestamps: false },
    );
  }
}
