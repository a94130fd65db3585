import type { Sequelize, Transaction } from "sequelize";

/** Runs SQL statements in order, inside a transaction. */
export async function runStatements(sequelize: Sequelize, statements: string[], transaction: Transaction) {
  for (const sql of statements) await sequelize.query(sql, { transaction });
}

/**
 * Runs a step in a savepoint of `transaction`: a failure is reported and undone, and the transaction goes
 * on (a module's faulty declaration is skipped, never fatal). True when the step succeeded.
 */
export async function attemptInSavepoint(sequelize: Sequelize, transaction: Transaction, step: (savepoint: Transaction) => Promise<unknown>, onError: (error: Error) => void) {
  try {
    await sequelize.transaction({ transaction }, step);
    return true;
  } catch (error) {
    onError(error as Error);
    return false;
  }
}
