import { Job } from "../../core/jobs/job.ts";

/** Waits until every queued job of a kind has finished (the app's worker runs them in the background). */
export async function jobsDone(kind: string, tries = 200, everyMs = 50): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt += 1) {
    if ((await Job.count({ where: { kind, status: ["pending", "running"] } })) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`${kind} jobs did not finish`);
}
