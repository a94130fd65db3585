import pino from "pino";
import { loadConfig } from "../../config/index.ts";
import { openCore } from "../../core/app.ts";
import { User } from "../../core/models/user.ts";
import { ContentPolicy } from "../../core/policies/content.ts";
import { searchEngine } from "../../core/search/engines.ts";
import { parseQuery } from "../../core/search/query.ts";
import { runSearch } from "../../core/search/search.ts";
import { searchKinds } from "../../core/search/sources.ts";
import { visibilityFilter } from "../../core/search/visibility.ts";
const core = await openCore(loadConfig({ DATABASE_URL: process.argv[2], AGORA_DATA_DIR: "/tmp/searchbench/data", AGORA_MODULE_PATHS: "modules" }), pino({ level: "warn" }));
const user = (await User.findOne({ where: { username: process.argv[3] ?? "bench" } }))!;
const engine = searchEngine(core.sequelize);
const kinds = searchKinds(core.registry);
for (const q of (process.argv[4] ?? "workshop,lyon,thanks,martin,quarterly review,\"product launch\",recording,zzzz,anna berg").split(",")) {
  for (const [type, order] of [["all", "relevance"], ["all", "newest"], ["person", "relevance"], ["comment", "relevance"]] as const) {
    const times: number[] = [];
    let out;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const policy = new ContentPolicy(core.registry, user);
      const filter = await visibilityFilter(core.registry, policy);
      out = await runSearch(engine, kinds, filter, { terms: parseQuery(q), type, order, page: 1, before: null });
      await engine.highlight(parseQuery(q), out.hits.map((h) => h.id), "en");
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(q.padEnd(20), type.padEnd(8), order.padEnd(10), "median", times[2].toFixed(1), "max", times[4].toFixed(1), "ms; total", out!.total, out!.isTotalCapped ? "+" : "", "strips", out!.strips.map((s) => s.hits.length).join("/"));
  }
}
await core.sequelize.close();
