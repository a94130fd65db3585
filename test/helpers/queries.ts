import type { TestApp } from "./app.ts";
import { requestScope } from "./app.ts";
import type { Client } from "./client.ts";

/**
 * Module switches and site settings are re-read every few seconds (other processes' changes): a clock
 * matter, not a page-size one, so those reloads are not counted.
 */
const isStateRefresh = (sql: string) =>
  /FROM [`"]module_states[`"][^;]*WHERE [`"]ModuleState[`"].[`"]container_id[`"] IS NULL;$/.test(sql) || /FROM [`"]settings[`"] AS [`"]Setting[`"];$/.test(sql);

/**
 * The SQL statements of the one request `send` makes, through Sequelize's logging hook. Only the request's own
 * statements count: background work of the process (job worker, hook handlers) runs outside the request's
 * async scope.
 */
export async function statementsOfRequest(app: TestApp, send: () => Promise<unknown>): Promise<string[]> {
  const { options } = app.app.sequelize as unknown as { options: { logging?: unknown } };
  const previous = options.logging;
  const seen: string[][] = [];
  options.logging = (sql: string) => {
    const statements = requestScope.getStore();
    if (statements && !isStateRefresh(sql)) {
      if (!seen.includes(statements)) seen.push(statements);
      statements.push(sql);
    }
  };
  try {
    await send();
  } finally {
    options.logging = previous;
  }
  if (seen.length !== 1) throw new Error(`expected one request, saw ${seen.length}`);
  return seen[0];
}

/** The SQL statements one GET runs (see statementsOfRequest); fails on a non-200. */
export async function statementsFor(app: TestApp, client: Client, path: string): Promise<string[]> {
  const statements = await statementsOfRequest(app, async () => {
    const response = await client.get(path);
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
  });
  if (process.env.AGORA_TEST_SHOW_QUERIES) console.log(`${path}\n  ${statements.map((sql) => sql.slice(0, 150)).join("\n  ")}`);
  return statements;
}

/** How many SQL statements one GET runs (see statementsFor). */
export async function queriesFor(app: TestApp, client: Client, path: string): Promise<number> {
  return (await statementsFor(app, client, path)).length;
}

/** The SQL statements a direct call runs (not through HTTP), counted like a request's. */
export async function statementsOf<T>(app: TestApp, run: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const { options } = app.app.sequelize as unknown as { options: { logging?: unknown } };
  const previous = options.logging;
  const statements: string[] = [];
  options.logging = (sql: string) => {
    if (requestScope.getStore() === statements && !isStateRefresh(sql)) statements.push(sql);
  };
  try {
    return { result: await requestScope.run(statements, run), statements };
  } finally {
    options.logging = previous;
  }
}
