import { readFileSync } from "node:fs";
import path from "node:path";
import test from "ava";
import { root } from "./processes.ts";

// The Node.js lines Agora claims (package.json "engines"), the one its image runs (Dockerfile) and the
// one CI runs besides the machine's (.ci/run) agree with what ava and every dependency declare.

const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const ourEngines: string = JSON.parse(read("package.json")).engines.node;

type Version = [number, number, number];

function versionOf(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text.replace(/^v/, "").split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : 0));
  return [major, minor, patch];
}

const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** One comparator of an npm range, in the forms dependencies' "engines" use: >=, >, <=, <, ^, X, X.x, X.Y.Z. */
function meets(version: Version, comparator: string): boolean {
  if (comparator === "*" || comparator === "x") return true;
  const match = /^(>=|<=|>|<|\^|=)?\s*v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(comparator);
  if (!match) throw new Error(`unread range part ${comparator}`);
  const [, operator = "", majorText, minorText, patchText] = match;
  const floor = versionOf(`${majorText}.${minorText ?? 0}.${patchText ?? 0}`);
  const isMajorOnly = minorText === undefined || minorText === "x" || minorText === "*";
  switch (operator) {
    case ">=": return compare(version, floor) >= 0;
    case ">": return compare(version, floor) > 0;
    case "<=": return compare(version, floor) <= 0;
    case "<": return compare(version, floor) < 0;
    case "^": return version[0] === floor[0] && compare(version, floor) >= 0;
    default: return isMajorOnly ? version[0] === floor[0] : compare(version, floor) === 0;
  }
}

function satisfies(version: Version, range: string): boolean {
  return range.split("||").some((alternative) => {
    const comparators = alternative.trim().replace(/(>=|<=|>|<|\^)\s+/g, "$1").split(/\s+/).filter(Boolean);
    return comparators.length === 0 || comparators.every((comparator) => meets(version, comparator));
  });
}

/** The lowest version of each line our range allows: "^24.12" gives 24.12.0, ">=25" gives 25.0.0. */
const ourFloors = ourEngines.split("||").map((alternative) => versionOf(alternative.trim().replace(/^(\^|>=)\s*/, "")));

test("every Node.js line package.json allows runs ava and every installed dependency", (t) => {
  const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { engines?: { node?: string }; os?: string[]; cpu?: string[] }> };
  const checked: string[] = [];
  for (const [where, info] of Object.entries(lock.packages)) {
    const range = info.engines?.node;
    if (!where || !range) continue;
    // Platform builds for other systems (sharp for Windows, fsevents) are never installed here.
    if ((info.os && !info.os.includes(process.platform)) || (info.cpu && !info.cpu.includes(process.arch))) continue;
    for (const floor of ourFloors) t.true(satisfies(floor, range), `${where} needs node ${range}; package.json allows ${floor.join(".")}`);
    checked.push(where);
  }
  t.true(checked.includes("node_modules/ava"), "ava's own engines were checked");
  t.true(satisfies(versionOf(process.versions.node), ourEngines), `the Node.js running the tests (${process.versions.node}) is one package.json allows`);
});

/** End of life of each LTS line (https://nodejs.org/en/about/previous-releases); odd lines are never LTS. */
const ltsEndOfLife: Record<number, string> = { 18: "2025-04-30", 20: "2026-04-30", 22: "2027-04-30", 24: "2028-04-30", 26: "2029-04-30" };

test("the image builds on a Node.js LTS line still in support, allowed by engines, and CI runs that line too", (t) => {
  const lines = [...read("Dockerfile").matchAll(/^FROM node:(\d+)-/gm)].map((match) => Number(match[1]));
  t.true(lines.length >= 2, "both stages name their Node.js image");
  t.is(new Set(lines).size, 1, "build and runtime stages on one line (native modules are built for it)");
  const line = lines[0];
  t.truthy(ltsEndOfLife[line], `node:${line} is an LTS line`);
  t.true(new Date(ltsEndOfLife[line]).getTime() > Date.now(), `node:${line} reached its end of life on ${ltsEndOfLife[line]}`);
  t.true(ourFloors.some((floor) => floor[0] === line), `package.json's engines (${ourEngines}) allows Node.js ${line}`);
  t.is(Number(/^lts_major=(\d+)$/m.exec(read(".ci/run"))?.[1]), line, ".ci/run also runs the suite on the image's line");
});
