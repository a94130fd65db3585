import { Op } from "sequelize";
import { Post } from "../models/post.ts";
import type { ContentTypeDefinition } from "../modules/types.ts";

/** Core's own content type: a Markdown post with an optional title. */
export const postContentType: ContentTypeDefinition = {
  type: "post",
  template: "stream/post.njk",
  // An edit updates the content row (edited_at), which moves its render version.
  cacheable: true,
  load: async (refIds) => new Map((await Post.findAll({ where: { id: { [Op.in]: refIds } } })).map((post) => [post.id, post])),
  actions: (entry) => (entry.can.edit ? [{ label: "stream:actions.edit", href: `/c/${entry.content.id}/edit` }] : []),
  purge: async (refIds, { transaction }) => {
    await Post.destroy({ where: { id: { [Op.in]: refIds } }, transaction });
  },
};
