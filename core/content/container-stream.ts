import type { AppContext } from "../http/context.ts";
import { Content, streamKeyOf } from "../models/content.ts";
import type { ModuleRegistry } from "../modules/registry.ts";
import type { Container, ContainerStreamPage } from "../modules/types.ts";
import { pinnedIn } from "./announcements/pinned.ts";
import { entriesWithAnnouncements } from "./announcements/running.ts";
import { entryLoader } from "./cached-entries.ts";
import { policyOf } from "./request.ts";
import { decodeCursor, encodeCursor, streamPage } from "./stream.ts";

/**
 * One page of a container's stream for the request (host.containerStream): ?before= pages by keyset;
 * the first page puts the container's pinned contents on top (not repeated below) and its running
 * announcements above them; ?partial=1 asks for the entries alone (the next page, fetched by script).
 * Entries come through the reader's entry cache, like the dashboard's.
 */
export async function containerStreamPage(ctx: AppContext, registry: ModuleRegistry, container: Container, options: { url: string; pageSize: number }): Promise<ContainerStreamPage> {
  const policy = policyOf(ctx, registry);
  const streamKey = streamKeyOf(container.type, container.id);
  const before = decodeCursor(ctx.query.before);
  const pinned = before ? [] : await pinnedIn(streamKey, policy);
  const pinnedIds = new Set(pinned.map((content) => content.id));
  const page = await streamPage(Content.sequelize!, { streamKeys: [streamKey], before, limit: options.pageSize });
  const isPartial = ctx.query.partial === "1";
  const shown = [...pinned, ...page.contents.filter((content) => !pinnedIds.has(content.id))];
  const { entries, announcements } = await entriesWithAnnouncements(policy, shown, isPartial ? null : streamKey, entryLoader(ctx, registry, container));
  const nextUrl = page.next ? `${options.url}?before=${encodeCursor(page.next)}` : null;
  return { entries, announcements, nextUrl, isPartial };
}
