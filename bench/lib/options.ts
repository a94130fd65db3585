import { parseArgs } from "node:util";

/** Command-line options of a bench tool: --name value, numbers checked, a usage line on any mistake. */
export function readOptions<T extends Record<string, string | undefined>>(usage: string, defaults: T): { [K in keyof T]: string } {
  try {
    const { values } = parseArgs({
      options: Object.fromEntries(Object.keys(defaults).map((name) => [name, { type: "string" as const }])),
      strict: true,
    });
    const merged = { ...defaults, ...values } as Record<string, string | undefined>;
    const missing = Object.keys(merged).filter((name) => merged[name] === undefined);
    if (missing.length) throw new Error(`missing --${missing.join(", --")}`);
    return merged as { [K in keyof T]: string };
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: ${usage}`);
    process.exit(2);
  }
}

export function positiveInteger(name: string, value: string) {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    console.error(`--${name} must be a positive whole number, got "${value}"`);
    process.exit(2);
  }
  return Number(value);
}

export function seconds(startedAt: number) {
  return `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
}
