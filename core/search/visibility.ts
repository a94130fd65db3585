import type { ModuleRegistry } from "../modules/registry.ts";
import { Content } from "../models/content.ts";
import { moduleGateSql } from "../content/stream.ts";
import type { ContentPolicy } from "../policies/content.ts";

/** A WHERE fragment over search_documents (alias `d`) with its named replacements. */
export interface VisibilityFilter {
  sql: string;
  replacements: Record<string, unknown>;
}

/**
 * What the viewer may see, as SQL, so that counts and pages are exact: documents in containers the
 * policy lets them read (readableIds per container type: a set or "all"), plus listed documents (people,
 * open and private groups) for non-guest members. Content of switched-off modules (for the instance, or
 * in the document's container) and containers of switched-off types are left out. Deleted and hidden items are not in the index at all.
 */
export async function visibilityFilter(registry: ModuleRegistry, policy: ContentPolicy): Promise<VisibilityFilter> {
  const replacements: Record<string, unknown> = {};
  const user = policy.user;
  const isStaff = Boolean(user?.isActive && user.role !== "guest");
  const readable: string[] = isStaff ? ["d.is_listed = 1"] : [];
  let index = 0;
  for (const type of registry.containerTypes.keys()) {
    if (!registry.containerType(type)) continue;
    const ids = await policy.readableIds(type);
    if (ids !== "all" && ids.size === 0) continue;
    index += 1;
    replacements[`containerType${index}`] = type;
    if (ids === "all") readable.push(`d.container_type = :containerType${index}`);
    else {
      replacements[`containerIds${index}`] = [...ids];
      readable.push(`(d.container_type = :containerType${index} AND d.container_id IN (:containerIds${index}))`);
    }
  }
  const enabledContainerTypes = [...registry.containerTypes.keys()].filter((type) => registry.containerType(type));
  replacements.enabledContainerTypes = enabledContainerTypes;
  replacements.contentTypes = [...registry.contentTypes.keys()].filter((type) => registry.contentType(type));
  // A content type's own, narrower rule for this viewer (ContentSearch.visibleTo), on its rows only.
  const narrower: string[] = [];
  if (readable.length) {
    for (const type of replacements.contentTypes as string[]) {
      const rule = registry.contentType(type)?.search?.visibleTo;
      if (!rule) continue;
      index += 1;
      const own = await rule(policy, `visible${index}_`);
      replacements[`visibleType${index}`] = type;
      Object.assign(replacements, own.replacements);
      narrower.push(`AND (d.content_type IS NULL OR d.content_type <> :visibleType${index} OR (${own.sql}))`);
    }
  }
  const sql = readable.length
    ? `(${readable.join(" OR ")}) AND d.container_type IN (:enabledContainerTypes) AND (d.content_type IS NULL OR d.content_type IN (:contentTypes))
       AND ${moduleGateSql(Content.sequelize!, "d", "content_type")} ${narrower.join(" ")}`
    : "1 = 0";
  return { sql, replacements };
}
