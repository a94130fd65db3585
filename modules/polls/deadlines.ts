import type { Transaction } from "sequelize";
import type { Host } from "../../core/sdk/index.ts";
import { clock } from "./clock.ts";
import { Poll } from "./models.ts";

/** Queues the poll's close at its deadline, in the write that set it; the key holds the deadline, so a moved one queues anew. */
export async function scheduleClose(host: Host, poll: Poll, transaction?: Transaction) {
  if (!poll.closesAt) return;
  await host.jobs.at("close", poll.closesAt, { pollId: poll.id, closesAt: poll.closesAt.toISOString() }, { key: `${poll.id}@${poll.closesAt.toISOString()}`, transaction });
}

/** Queues the end of a contest's entries: pages drawn before it (cached entries) are drawn again with the ballot. */
export async function scheduleVoting(host: Host, poll: Poll, transaction?: Transaction) {
  if (!poll.submissionsCloseAt) return;
  await host.jobs.at("open-voting", poll.submissionsCloseAt, { pollId: poll.id }, { key: `${poll.id}@${poll.submissionsCloseAt.toISOString()}`, transaction });
}

/**
 * The deadline's job: closes the poll once, unless it was closed by hand, reopened with the deadline moved or
 * removed, or deleted. The close commits with the job's completion (exactly once, also after a restart).
 */
export function handleDeadlines(host: Host, published: (poll: Poll) => Promise<void>) {
  host.jobs.handle<{ pollId: number; closesAt: string }>("close", async ({ pollId, closesAt }, { finish }) => {
    const poll = await Poll.findByPk(pollId);
    if (!poll || poll.closedAt || !poll.closesAt || poll.closesAt.toISOString() !== closesAt) return;
    await finish((transaction) => poll.update({ closedAt: clock.now() }, { transaction }));
    await published(poll);
  });
  // Touching the poll's row moves its render version (versionedBy): every cached entry shows the ballot now.
  host.jobs.handle<{ pollId: number }>("open-voting", async ({ pollId }, { finish }) => {
    const poll = await Poll.findByPk(pollId);
    if (!poll) return;
    await finish((transaction) => Poll.update({ submissionsCloseAt: poll.submissionsCloseAt }, { where: { id: pollId }, transaction, silent: true }));
    await published(poll);
  });
}
