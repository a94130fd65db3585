import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from "sequelize";

export const questionKinds = ["single", "multiple", "ranked", "scale", "text"] as const;
export type QuestionKind = (typeof questionKinds)[number];
export const resultVisibilities = ["always", "answered", "closed", "author"] as const;
export type ResultVisibility = (typeof resultVisibilities)[number];

/** A poll or survey: the module's row behind each "poll" content (the content's refId). */
export class Poll extends Model<InferAttributes<Poll>, InferCreationAttributes<Poll>> {
  declare id: CreationOptional<number>;
  declare containerType: string;
  declare containerId: number;
  declare authorId: number;
  declare kind: CreationOptional<"poll" | "survey" | "quiz" | "contest">;
  declare title: string;
  declare isAnonymous: CreationOptional<boolean>;
  declare allowChange: CreationOptional<boolean>;
  declare resultsVisibility: CreationOptional<ResultVisibility>;
  declare membersAddOptions: CreationOptional<boolean>;
  declare openToReaders: CreationOptional<boolean>;
  declare closesAt: CreationOptional<Date | null>;
  declare closedAt: CreationOptional<Date | null>;
  declare maxAttempts: CreationOptional<number>;
  declare reveal: CreationOptional<"attempt" | "close">;
  declare hasLeaderboard: CreationOptional<boolean>;
  declare timeLimitSeconds: CreationOptional<number | null>;
  declare timeBonus: CreationOptional<boolean>;
  declare submissionsCloseAt: CreationOptional<Date | null>;
  declare maxEntries: CreationOptional<number>;
  declare isModerated: CreationOptional<boolean>;
  declare winnerAnnouncedAt: CreationOptional<Date | null>;
  declare winners: CreationOptional<string | null>;
  declare juryWeight: CreationOptional<number>;

  /** Whether answers are taken at this instant: not closed by hand or by the job, and before the deadline. */
  isOpenAt(now: Date): boolean {
    return !this.closedAt && !(this.closesAt && this.closesAt.getTime() <= now.getTime());
  }

  static initModel(sequelize: Sequelize) {
    Poll.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        containerType: { type: DataTypes.STRING(32), allowNull: false },
        containerId: { type: DataTypes.INTEGER, allowNull: false },
        authorId: { type: DataTypes.INTEGER, allowNull: false },
        kind: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "poll" },
        title: { type: DataTypes.STRING(300), allowNull: false },
        isAnonymous: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        allowChange: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        resultsVisibility: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "always" },
        membersAddOptions: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        openToReaders: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        closesAt: { type: DataTypes.DATE, allowNull: true },
        closedAt: { type: DataTypes.DATE, allowNull: true },
        maxAttempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        reveal: { type: DataTypes.STRING(16), allowNull: false, defaultValue: "attempt" },
        hasLeaderboard: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        timeLimitSeconds: { type: DataTypes.INTEGER, allowNull: true },
        timeBonus: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        submissionsCloseAt: { type: DataTypes.DATE, allowNull: true },
        maxEntries: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        isModerated: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        winnerAnnouncedAt: { type: DataTypes.DATE, allowNull: true },
        winners: { type: DataTypes.TEXT, allowNull: true },
        juryWeight: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 50 },
      },
      { sequelize, tableName: "polls", underscored: true, timestamps: false },
    );
  }
}

/** One question of a poll (a poll has one, a survey several, in position order). */
export class PollQuestion extends Model<InferAttributes<PollQuestion>, InferCreationAttributes<PollQuestion>> {
  declare id: CreationOptional<number>;
  declare pollId: number;
  declare position: number;
  declare kind: QuestionKind;
  declare prompt: string;
  declare isRequired: CreationOptional<boolean>;
  declare minChoices: CreationOptional<number>;
  declare maxChoices: CreationOptional<number>;
  declare scaleMin: CreationOptional<number>;
  declare scaleMax: CreationOptional<number>;
  declare points: CreationOptional<number>;
  declare explanation: CreationOptional<string | null>;

  static initModel(sequelize: Sequelize) {
    PollQuestion.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        pollId: { type: DataTypes.INTEGER, allowNull: false },
        position: { type: DataTypes.INTEGER, allowNull: false },
        kind: { type: DataTypes.STRING(16), allowNull: false },
        prompt: { type: DataTypes.STRING(500), allowNull: false },
        isRequired: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        minChoices: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        maxChoices: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        scaleMin: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        scaleMax: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 5 },
        points: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        explanation: { type: DataTypes.TEXT, allowNull: true },
      },
      { sequelize, tableName: "poll_questions", underscored: true, timestamps: false },
    );
  }
}

/** A choice offered by a question; addedBy is set when a member added it. */
export class PollOption extends Model<InferAttributes<PollOption>, InferCreationAttributes<PollOption>> {
  declare id: CreationOptional<number>;
  declare pollId: number;
  declare questionId: number;
  declare position: number;
  declare label: string;
  declare addedBy: CreationOptional<number | null>;
  declare removedAt: CreationOptional<Date | null>;
  declare isCorrect: CreationOptional<boolean>;
  declare isPending: CreationOptional<boolean>;
  declare imageFileId: CreationOptional<number | null>;

  static initModel(sequelize: Sequelize) {
    PollOption.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        pollId: { type: DataTypes.INTEGER, allowNull: false },
        questionId: { type: DataTypes.INTEGER, allowNull: false },
        position: { type: DataTypes.INTEGER, allowNull: false },
        label: { type: DataTypes.STRING(200), allowNull: false },
        addedBy: { type: DataTypes.INTEGER, allowNull: true },
        removedAt: { type: DataTypes.DATE, allowNull: true },
        isCorrect: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        isPending: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        imageFileId: { type: DataTypes.INTEGER, allowNull: true },
      },
      { sequelize, tableName: "poll_options", underscored: true, timestamps: false },
    );
  }
}

/** That a person took part (one row per person and poll, by unique index); it never says what they answered. */
export class PollParticipation extends Model<InferAttributes<PollParticipation>, InferCreationAttributes<PollParticipation>> {
  declare id: CreationOptional<number>;
  declare pollId: number;
  declare userId: number;

  static initModel(sequelize: Sequelize) {
    PollParticipation.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        pollId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
      },
      { sequelize, tableName: "poll_participations", underscored: true, timestamps: false },
    );
  }
}

/** One answer to one question: userId is null in an anonymous poll; a random id and no date. */
export class PollAnswer extends Model<InferAttributes<PollAnswer>, InferCreationAttributes<PollAnswer>> {
  declare id: string;
  declare pollId: number;
  declare questionId: number;
  declare userId: number | null;
  declare value: number | null;
  declare text: string | null;

  static initModel(sequelize: Sequelize) {
    PollAnswer.init(
      {
        id: { type: DataTypes.STRING(32), primaryKey: true },
        pollId: { type: DataTypes.INTEGER, allowNull: false },
        questionId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: true },
        value: { type: DataTypes.INTEGER, allowNull: true },
        text: { type: DataTypes.TEXT, allowNull: true },
      },
      { sequelize, tableName: "poll_answers", underscored: true, timestamps: false },
    );
  }
}

/** An option chosen in an answer (single, multiple), with its rank in a ranked-choice ballot. */
export class PollAnswerChoice extends Model<InferAttributes<PollAnswerChoice>, InferCreationAttributes<PollAnswerChoice>> {
  declare answerId: string;
  declare questionId: number;
  declare optionId: number;
  declare rank: number | null;

  static initModel(sequelize: Sequelize) {
    PollAnswerChoice.init(
      {
        answerId: { type: DataTypes.STRING(32), primaryKey: true },
        questionId: { type: DataTypes.INTEGER, allowNull: false },
        optionId: { type: DataTypes.INTEGER, primaryKey: true },
        rank: { type: DataTypes.INTEGER, allowNull: true },
      },
      { sequelize, tableName: "poll_answer_choices", underscored: true, timestamps: false },
    );
  }
}

/** One attempt at a quiz and its score; the unique index keeps attempt numbers apart. */
export class QuizAttempt extends Model<InferAttributes<QuizAttempt>, InferCreationAttributes<QuizAttempt>> {
  declare id: CreationOptional<number>;
  declare pollId: number;
  declare userId: number;
  declare attempt: number;
  declare score: number;
  declare maxScore: number;
  declare bonus: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    QuizAttempt.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        pollId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        attempt: { type: DataTypes.INTEGER, allowNull: false },
        score: { type: DataTypes.INTEGER, allowNull: false },
        maxScore: { type: DataTypes.INTEGER, allowNull: false },
        bonus: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: "quiz_attempts", underscored: true, updatedAt: false },
    );
  }
}

/** A person who keeps their name off every quiz leaderboard. */
export class QuizLeaderboardOptout extends Model<InferAttributes<QuizLeaderboardOptout>, InferCreationAttributes<QuizLeaderboardOptout>> {
  declare userId: number;

  static initModel(sequelize: Sequelize) {
    QuizLeaderboardOptout.init({ userId: { type: DataTypes.INTEGER, primaryKey: true } }, { sequelize, tableName: "quiz_leaderboard_optouts", underscored: true, timestamps: false });
  }
}

/** When a person started an attempt at a timed quiz (server time): the limit and the bonus count from it. */
export class QuizStart extends Model<InferAttributes<QuizStart>, InferCreationAttributes<QuizStart>> {
  declare id: CreationOptional<number>;
  declare pollId: number;
  declare userId: number;
  declare attempt: number;
  declare startedAt: Date;

  static initModel(sequelize: Sequelize) {
    QuizStart.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        pollId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        attempt: { type: DataTypes.INTEGER, allowNull: false },
        startedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: "quiz_starts", underscored: true, timestamps: false },
    );
  }
}

/** A juror of a contest, named by its author among the container's members. */
export class PollJuror extends Model<InferAttributes<PollJuror>, InferCreationAttributes<PollJuror>> {
  declare id: CreationOptional<number>;
  declare pollId: number;
  declare userId: number;

  static initModel(sequelize: Sequelize) {
    PollJuror.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        pollId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
      },
      { sequelize, tableName: "poll_jurors", underscored: true, timestamps: false },
    );
  }
}

/** A juror's score (0–10) for one approved entry: one per juror and entry (unique index), changeable until the close. */
export class PollJuryScore extends Model<InferAttributes<PollJuryScore>, InferCreationAttributes<PollJuryScore>> {
  declare id: CreationOptional<number>;
  declare pollId: number;
  declare optionId: number;
  declare jurorId: number;
  declare score: number;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize) {
    PollJuryScore.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        pollId: { type: DataTypes.INTEGER, allowNull: false },
        optionId: { type: DataTypes.INTEGER, allowNull: false },
        jurorId: { type: DataTypes.INTEGER, allowNull: false },
        score: { type: DataTypes.INTEGER, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: "poll_jury_scores", underscored: true, createdAt: false },
    );
  }
}
