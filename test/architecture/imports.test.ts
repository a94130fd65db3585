import path from "node:path";
import test from "ava";
import { importCircles, importGraph, importsAcross, sourceFiles } from "./import-graph.ts";

// Core's layers point one way and core never reaches into a module (DESIGN.md, "Dependency direction").
const root = path.resolve(import.meta.dirname, "../..");
const graph = importGraph(root, sourceFiles(root, ["config", "core", "modules"]));

/** A module's imports of core outside its public surface (core/sdk/). */
const beyondSdk = (found: string[]) => found.filter((line) => !/→ core\/sdk\//.test(line));

test("modules import core only through core/sdk/, and nothing in core imports the SDK", (t) => {
  t.deepEqual(beyondSdk(importsAcross(graph, "modules", "core")), [], "import what a module needs from core/sdk/index.ts, or add it to the SDK");
  t.deepEqual(importsAcross(graph, "core", "core/sdk").filter((line) => !line.startsWith("core/sdk/")), []);
});

test("core and config import nothing from modules/", (t) => {
  t.deepEqual(importsAcross(graph, "core", "modules"), []);
  t.deepEqual(importsAcross(graph, "config", "modules"), []);
});

test("no import circle in core, type imports included", (t) => {
  t.deepEqual(importCircles(graph).map((circle) => circle.join(" → ")), []);
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
