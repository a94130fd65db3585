import { readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { QueryInterface, Sequelize } from "sequelize";
import { SequelizeStorage, Umzug } from "umzug";
import type { Logger } from "pino";

export interface MigrationSource {
  /** Prefix of the stored migration name: "core" or a module id. */
  namespace: string;
  directory: string;
}

export type MigrationContext = QueryInterface;

const migrationFile = /^\d{14}-[a-z0-9-]+\.ts$/;

/** Lists migrations of every source in order: core first, then modules in the order given. */
function collect(sources: MigrationSource[]) {
  return sources.flatMap(({ namespace, directory }) => {
    if (!existsSync(directory)) return [];
    return readdirSync(directory)
      .filter((file) => migrationFile.test(file))
      .sort()
      .map((file) => {
        const fullPath = path.join(directory, file);
        const load = () => import(pathToFileURL(fullPath).href);
        return {
          name: `${namespace}/${file.replace(/\.ts$/, "")}`,
          up: async ({ context }: { context: QueryInterface }) => (await load()).up(context),
          down: async ({ context }: { context: QueryInterface }) => (await load()).down?.(context),
        };
      });
  });
}

export function createMigrator(sequelize: Sequelize, sources: MigrationSource[], logger?: Logger) {
  return new Umzug({
    migrations: collect(sources),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: "schema_migrations" }),
    logger: logger ? { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m), debug: (m) => logger.debug(m) } : undefined,
  });
}

/**
 * Drops a column in place (SQLite 3.35+ and PostgreSQL). Not qi.removeColumn: on SQLite that copies the table
 * and drops the old one, and with foreign keys on the drop deletes every row of other tables that refers to it.
 * The column must have no index or constraint left (SQLite refuses otherwise).
 */
export async function dropColumn(qi: MigrationContext, table: string, column: string) {
  await qi.sequelize.query(`ALTER TABLE ${qi.quoteIdentifier(table)} DROP COLUMN ${qi.quoteIdentifier(column)}`);
}

export async function migrate(sequelize: Sequelize, sources: MigrationSource[], logger?: Logger) {
  return createMigrator(sequelize, sources, logger).up();
}
