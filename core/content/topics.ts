import { Op, type Transaction } from "sequelize";
import type { Content } from "../models/content.ts";
import { ContentTopic, Topic } from "../models/topic.ts";
import { topicName } from "./markdown.ts";

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
