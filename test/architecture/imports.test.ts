import path from "node:path";
import test from "ava";
import { importCircles, importGraph, importsAcross, sourceFiles } from "./import-graph.ts";

// Core's layers point one way and core never reaches into a module (DESIGN.md, "Dependency direction").
const root = path.resolve(import.meta.dirname, "../..");
const graph = importGraph(root, sourceFiles(root, ["config", "core", "modules"]));

/**
 * The circle core has today (the module SDK issue removes it). A file may leave it; no file may
 * join one, and no new circle may appear.
 */
const knownCircles = [
  [
    "core/content/stream.ts",
    "core/http/context.ts",
    "core/mail/compose.ts",
    "core/mail/jobs.ts",
    "core/mail/keyed.ts",
    "core/modules/hooks.ts",
    "core/modules/host.ts",
    "core/modules/loader.ts",
    "core/modules/registry.ts",
    "core/modules/types.ts",
    "core/notifications/requests.ts",
    "core/notifications/types.ts",
    "core/policies/content.ts",
    "core/services.ts",
  ],
];

/**
 * Imports of core beyond the SDK that modules/ still makes today (the module SDK issue removes them): a
 * line may go, none may be added.
 */
const knownModuleImports = [
  // Declaration merging of its hook names: TypeScript merges into the declaring file, not a re-export.
  "modules/groups/events.ts → core/modules/types.ts",
  "modules/groups/group-modules.ts → core/modules/registry.ts",
  "modules/groups/routes/pages.ts → core/content/announcements/pinned.ts",
  "modules/groups/routes/pages.ts → core/content/announcements/running.ts",
  "modules/groups/routes/pages.ts → core/content/cached-entries.ts",
  "modules/groups/routes/pages.ts → core/content/stream.ts",
  "modules/groups/routes/share.ts → core/content/entries.ts",
  "modules/groups/share.ts → core/content/attachments/entries.ts",
  "modules/groups/share.ts → core/modules/registry.ts",
];

/** A module's imports of core outside its public surface (core/sdk/). */
const beyondSdk = (found: string[]) => found.filter((line) => !/→ core\/sdk\//.test(line));

test("modules import core only through core/sdk/ (beyond today's listed debt), and nothing in core imports the SDK", (t) => {
  const extra = beyondSdk(importsAcross(graph, "modules", "core")).filter((line) => !knownModuleImports.includes(line));
  t.deepEqual(extra, [], "import what a module needs from core/sdk/index.ts, or add it to the SDK");
  t.deepEqual(importsAcross(graph, "core", "core/sdk").filter((line) => !line.startsWith("core/sdk/")), []);
});

test("core and config import nothing from modules/", (t) => {
  t.deepEqual(importsAcross(graph, "core", "modules"), []);
  t.deepEqual(importsAcross(graph, "config", "modules"), []);
});

test("no new import circle in core, and no file joins a known one", (t) => {
  for (const circle of importCircles(graph)) {
    const known = knownCircles.find((members) => circle.every((file) => members.includes(file)));
    t.truthy(known, `new import circle: ${circle.join(" → ")}`);
  }
});

test("the checks see a deliberate circle and a deliberate import across the boundary", (t) => {
  const fixtureRoot = path.join(root, "test/fixtures/import-graph");
  const fixture = importGraph(fixtureRoot, sourceFiles(fixtureRoot, ["core", "modules"]));
  t.deepEqual(importCircles(fixture), [["core/content/comments.ts", "core/content/entries.ts"]]);
  t.deepEqual(importsAcross(fixture, "core", "modules"), ["core/content/entries.ts → modules/notes/index.ts"]);
  const moduleImports = importsAcross(fixture, "modules", "core");
  t.deepEqual(moduleImports, ["modules/notes/index.ts → core/internal.ts", "modules/notes/index.ts → core/sdk.ts"]);
  t.deepEqual(
    moduleImports.filter((line) => !line.endsWith("→ core/sdk.ts")),
    ["modules/notes/index.ts → core/internal.ts"],
    "an import of core beyond its public surface is found",
  );
  // The same filter the real check uses, on a tree with an SDK folder.
  t.deepEqual(beyondSdk(["modules/a/x.ts → core/sdk/index.ts", "modules/a/x.ts → core/models/user.ts"]), ["modules/a/x.ts → core/models/user.ts"]);
});
