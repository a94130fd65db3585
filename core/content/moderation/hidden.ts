import { Op, type WhereOptions } from "sequelize";
import { Content } from "../../models/content.ts";
import type { ContentPolicy } from "../../policies/content.ts";
import type { StreamCursor } from "../stream.ts";
import { filterHandled } from "./access.ts";
import { filteredPage } from "./paging.ts";
import { queuePageSize } from "./queue.ts";

const rowOf = (content: Content) => ({ content, subject: { containerType: content.containerType, containerId: content.containerId, authorId: content.authorId } });

/** Hidden contents the viewer may restore, most recently hidden first, on the contents_hidden partial index. */
export async function hiddenPage(policy: ContentPolicy, options: { before: StreamCursor | null; streamKey: string | null }) {
  const fetch = async (before: StreamCursor | null, limit: number) => {
    const conditions: WhereOptions<Content>[] = [{ hiddenAt: { [Op.ne]: null } }];
    if (options.streamKey) conditions.push({ streamKey: options.streamKey });
    if (before) conditions.push({ [Op.or]: [{ hiddenAt: { [Op.lt]: before.sortAt } }, { hiddenAt: before.sortAt, id: { [Op.lt]: before.id } }] });
    const contents = await Content.findAll({ where: { [Op.and]: conditions }, order: [["hiddenAt", "DESC"], ["id", "DESC"]], limit });
    return contents.map(rowOf);
  };
  const page = await filteredPage(fetch, (rows) => filterHandled(policy, rows), (row) => ({ sortAt: row.content.hiddenAt!, id: row.content.id }), options.before, queuePageSize);
  return { contents: page.rows.map((row) => row.content), next: page.next };
}
