import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** Project-relative paths with "/" separators, whatever the host. */
export type FilePath = string;

/** Every TypeScript file below `folders` (relative to `root`), tests and node_modules left out. */
export function sourceFiles(root: string, folders: string[]): FilePath[] {
  const found: FilePath[] = [];
  const walk = (relative: string) => {
    for (const name of readdirSync(path.join(root, relative))) {
      if (name === "node_modules") continue;
      const child = path.posix.join(relative, name);
      if (statSync(path.join(root, child)).isDirectory()) walk(child);
      else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts")) found.push(child);
    }
  };
  for (const folder of folders) walk(folder);
  return found.sort();
}

/**
 * The project files each file imports: static, type-only, re-exports and dynamic `import("…")` alike
 * (a type import welds layers together as much as a value import does). Bare package names are left out.
 */
export function importGraph(root: string, files: FilePath[]): Map<FilePath, FilePath[]> {
  const graph = new Map<FilePath, FilePath[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(path.join(root, file), "utf8"), true, true);
    const targets = info.importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith("."))
      .map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)));
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/** The import circles among the graph's files: each a sorted list of the files that reach each other (Tarjan). */
export function importCircles(graph: Map<FilePath, FilePath[]>): FilePath[][] {
  const index = new Map<FilePath, number>();
  const lowLink = new Map<FilePath, number>();
  const onStack = new Set<FilePath>();
  const stack: FilePath[] = [];
  const circles: FilePath[][] = [];
  let counter = 0;
  const visit = (file: FilePath) => {
    index.set(file, counter);
    lowLink.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        lowLink.set(file, Math.min(lowLink.get(file)!, lowLink.get(target)!));
      } else if (onStack.has(target)) {
        lowLink.set(file, Math.min(lowLink.get(file)!, index.get(target)!));
      }
    }
    if (lowLink.get(file) !== index.get(file)) return;
    const members: FilePath[] = [];
    let member: FilePath;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      members.push(member);
    } while (member !== file);
    const importsItself = (graph.get(file) ?? []).includes(file);
    if (members.length > 1 || importsItself) circles.push(members.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return circles.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Imports from files under `from` of files under `into` (folders, project-relative): `file → imported`. */
export function importsAcross(graph: Map<FilePath, FilePath[]>, from: string, into: string): string[] {
  const inside = (file: FilePath, folder: string) => file === folder || file.startsWith(`${folder}/`);
  const found: string[] = [];
  for (const [file, targets] of graph) {
    if (!inside(file, from)) continue;
    for (const target of targets) if (inside(target, into)) found.push(`${file} → ${target}`);
  }
  return found.sort();
}
