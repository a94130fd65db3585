import { GroupCategory } from "./models/category.ts";

const cacheMs = 5_000;
let cache: { categories: GroupCategory[]; loadedAt: number } | null = null;

/** The category list, in order: read on every directory and group page, so cached briefly (admins edit it rarely). */
export async function allCategories(): Promise<GroupCategory[]> {
  if (cache && Date.now() - cache.loadedAt < cacheMs) return cache.categories;
  const categories = await GroupCategory.findAll({ order: [["position", "ASC"], ["id", "ASC"]] });
  cache = { categories, loadedAt: Date.now() };
  return categories;
}

/** After an edit in this process; other processes see it within the cache's few seconds. */
export function forgetCategories() {
  cache = null;
}
