// Spawns the real `agora` CLI and server processes, each against its own data dir (and PostgreSQL database when set).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../../config/index.ts";
import { createPostgresDatabase, isPostgres } from "../helpers/database.ts";
import { fixtureModules } from "../helpers/app.ts";

export const root = path.resolve(import.meta.dirname, "../..");

export interface Instance {
  dataDir: string;
  /** AGORA_* variables pointing at this instance's data dir and database. */
  env: Record<string, string>;
  remove(): Promise<void>;
}

/** A fresh data dir, plus a fresh PostgreSQL database when AGORA_TEST_DATABASE_URL is set. */
export async function freshInstance(extra: Record<string, string> = {}): Promise<Instance> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "agora-ops-"));
  const database = isPostgres ? await createPostgresDatabase() : null;
  return {
    dataDir,
    env: {
      AGORA_DATA_DIR: dataDir,
      AGORA_UPLOADS_DIR: path.join(dataDir, "uploads"),
      AGORA_MODULE_PATHS: ["modules", fixtureModules].join(path.delimiter),
      ...(database ? { DATABASE_URL: database.url } : {}),
      ...extra,
    },
    async remove() {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates active members straight in an instance's database (migrating it first), before any server runs; each signs in with `password`. */
export async function seedAccounts(env: Record<string, string>, names: string[], password: string): Promise<{ email: string; username: string }[]> {
  const { openCore } = await import("../../core/app.ts");
  const { createAccount } = await import("../../core/commands/user-creator.ts");
  const core = await openCore(loadConfig({ ...env, AGORA_LOG_LEVEL: "silent" }), pino({ level: "silent" }));
  try {
    const accounts = [];
    for (const name of names) {
      const user = await createAccount({ email: `${name}@example.test`, password, displayName: name, role: "member", status: "active" });
      accounts.push({ email: user.email, username: user.username });
    }
    return accounts;
  } finally {
    await core.sequelize.close();
  }
}

/** The parent's environment without any Agora setting, so only what a test passes counts. */
function childEnv(env: Record<string, string>) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AGORA_") && name !== "DATABASE_URL"));
  return { ...inherited, ...env };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function finished(child: ChildProcess): Promise<Finished> {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `bin/agora.mjs <args>` (what `npx agora` runs) and waits for it to exit. */
export function agora(args: string[], env: Record<string, string>): Promise<Finished> {
  return finished(spawn(process.execPath, [path.join(root, "bin/agora.mjs"), ...args], { cwd: root, env: childEnv(env) }));
}

/** Runs any command from the project folder (e.g. `npx agora help`). */
export function run(command: string, args: string[], env: Record<string, string>): Promise<Finished> {
  return finished(spawn(command, args, { cwd: root, env: childEnv(env) }));
}

export interface RunningServer {
  child: ChildProcess;
  url: string;
  port: number;
  /** stdout lines so far, one pino JSON object each. */
  lines: string[];
  exited: Promise<Finished>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node --import tsx core/server.ts` on a random port and resolves once it logs that it listens. */
export function startServer(env: Record<string, string>, timeoutMs = 30_000): Promise<RunningServer> {
  const child = spawn(process.execPath, ["--import", "tsx", "core/server.ts"], { cwd: root, env: childEnv({ AGORA_PORT: "0", AGORA_HOST: "127.0.0.1", ...env }) });
  const exited = finished(child);
  const lines: string[] = [];
  let buffered = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${lines.join("\n")}`)), timeoutMs);
    exited.then((result) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${result.code} before listening:\n${result.stdout}${result.stderr}`));
    }, reject);
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split("\n");
      buffered = complete.pop()!;
      for (const line of complete) {
        lines.push(line);
        const listening = /Agora is listening on http:\/\/localhost:(\d+)/.exec(line);
        if (!listening) continue;
        clearTimeout(timer);
        const port = Number(listening[1]);
        resolve({
          child,
          port,
          url: `http://127.0.0.1:${port}`,
          lines,
          exited,
          async stop() {
            child.kill("SIGTERM");
            return (await exited).code;
          },
        });
      }
    });
  });
}

/** Parsed JSON log lines; throws on a line that is not JSON (logs must stay machine-readable). */
export function logEntries(lines: string[]): Record<string, unknown>[] {
  return lines.filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as Record<string, unknown>);
}
