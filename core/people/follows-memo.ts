import { ReaderMemo } from "../util/reader-memo.ts";

/**
 * Whom each reader follows (user ids), for their dashboard streams (core/content/core-containers.ts):
 * kept across requests until users.subscriptions_version moves or this process writes a follow (the
 * UserFollow model's hooks).
 */
export const followsMemo = new ReaderMemo<number[]>();
