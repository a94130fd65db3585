import type { Transaction } from "sequelize";
import type { Content, ContentPolicy, Host } from "../../core/sdk/index.ts";

/** Raised inside the entry's transaction when the guard changed no row (posted already): nothing is written. */
class AlreadyPosted extends Error {}

/**
 * Writes a stream entry once (a contest's winner announcement, a live quiz's final ranking): the content and a
 * conditional UPDATE (`guard`, which must change exactly one row) commit together; a second caller's UPDATE
 * changes nothing and its content rolls back. Answers whether this call posted.
 */
export async function postOnce(host: Host, actor: ContentPolicy, source: Content, input: { type: string; refId: number; guard: (transaction: Transaction) => Promise<number> }) {
  const [entry] = await host.entries(actor, [source]);
  if (!entry) return false;
  try {
    await host.content.create(actor, {
      type: input.type,
      container: entry.container,
      write: async ({ transaction }) => {
        if ((await input.guard(transaction)) !== 1) throw new AlreadyPosted();
        return input.refId;
      },
    });
    return true;
  } catch (error) {
    if (error instanceof AlreadyPosted) return false;
    throw error;
  }
}
