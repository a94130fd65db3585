import { Op, QueryTypes, type Transaction } from "sequelize";
import type { Content } from "../models/content.ts";
import { ContentTopic, Topic } from "../models/topic.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { ContentPolicy } from "../policies/content.ts";
import { topicName } from "./markdown.ts";
import { readableContentSql } from "./stream.ts";

/** At most this many topics per content. */
export const maxTopics = 20;

/** Makes the content's topics exactly these labels: creates missing topics, links new ones, unlinks removed ones. */
export async function syncTopics(transaction: Transaction, content: Content, labels: string[]) {
  const wanted = new Map(labels.slice(0, maxTopics).map((label) => [topicName(label), label]));
  if (wanted.size) {
    await Topic.bulkCreate([...wanted].map(([name, label]) => ({ name, label })), { transaction, ignoreDuplicates: true });
  }
  const topics = wanted.size ? await Topic.findAll({ where: { name: { [Op.in]: [...wanted.keys()] } }, transaction }) : [];
  const topicIds = topics.map((topic) => topic.id);
  await ContentTopic.destroy({ where: { contentId: content.id, ...(topicIds.length ? { topicId: { [Op.notIn]: topicIds } } : {}) }, transaction });
  await ContentTopic.bulkCreate(
    topicIds.map((topicId) => ({ contentId: content.id, topicId, sortAt: content.createdAt })),
    { transaction, ignoreDuplicates: true },
  );
}

/** Whether the viewer may read at least one live content carrying the topic: one statement, stops at the first. */
export async function isTopicReadable(registry: ModuleRegistry, policy: ContentPolicy, topic: Topic): Promise<boolean> {
  const readable = await readableContentSql(registry, policy, "c");
  const rows = await Topic.sequelize!.query(`SELECT 1 AS found FROM content_topics ct JOIN contents c ON c.id = ct.content_id WHERE ct.topic_id = :topicId AND ${readable.sql} LIMIT 1`, {
    replacements: { ...readable.replacements, topicId: topic.id },
    type: QueryTypes.SELECT,
  });
  return rows.length > 0;
}

/**
 * The topic of this name when the viewer may read something under it, else null: a topic used only
 * where they cannot read looks exactly like one nobody used, so its name tells nothing.
 */
export async function readableTopic(registry: ModuleRegistry, policy: ContentPolicy, name: string): Promise<Topic | null> {
  const topic = name.length <= 64 ? await Topic.findOne({ where: { name: topicName(name) } }) : null;
  return topic && (await isTopicReadable(registry, policy, topic)) ? topic : null;
}
