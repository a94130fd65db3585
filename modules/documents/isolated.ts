import { Worker } from "node:worker_threads";
import type { ExtractMessage, ExtractTask } from "./extract-worker.ts";

/**
 * Bounds of the extraction worker: its JavaScript heap (a zip bomb's text, a PDF's thousands of drawing
 * operations) and the time its work takes once its code is loaded; loading (PDF.js, the canvas: a second or
 * two, more on a busy machine) has its own, looser bound. Past any of them the worker is ended and the file
 * simply has no text or preview. Tests lower them to meet them quickly.
 */
export const workerLimits = { heapMb: 256, ms: 20_000, startMs: 60_000 };

/** What a worker run gave: the text and the first page it reached, and why it ended early if it did. */
export interface Extracted {
  text: string | null;
  page: Buffer | null;
  failure: "timeout" | "memory" | "crash" | null;
}

const bootstrap = new URL("./extract-worker.mjs", import.meta.url);

/**
 * Extracts a file's text (and a PDF's first page) in a worker thread with its own capped heap, ended when the
 * time is up: a hostile file costs that worker, never the server. Resolves, never rejects.
 */
export function extractInWorker(task: ExtractTask): Promise<Extracted> {
  return new Promise((resolve) => {
    const result: Extracted = { text: null, page: null, failure: null };
    let worker: Worker;
    try {
      worker = new Worker(bootstrap, {
        workerData: task,
        resourceLimits: { maxOldGenerationSizeMb: workerLimits.heapMb, maxYoungGenerationSizeMb: Math.min(32, Math.max(4, workerLimits.heapMb / 8)), stackSizeMb: 4 },
        // Its output is not the server's log; its environment is not needed.
        stdout: true,
        stderr: true,
        env: {},
      });
    } catch {
      resolve({ ...result, failure: "crash" });
      return;
    }
    worker.stdout.resume();
    worker.stderr.resume();
    const stop = () => {
      result.failure ??= "timeout";
      void worker.terminate();
    };
    let timer = setTimeout(stop, workerLimits.startMs);
    worker.on("message", (message: ExtractMessage) => {
      if ("ready" in message) {
        clearTimeout(timer);
        timer = setTimeout(stop, workerLimits.ms);
      } else if ("text" in message) result.text = message.text;
      else result.page = message.page ? Buffer.from(message.page) : null;
    });
    worker.on("error", (error: NodeJS.ErrnoException) => {
      result.failure ??= error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "memory" : "crash";
    });
    worker.on("exit", () => {
      clearTimeout(timer);
      resolve(result);
    });
  });
}
