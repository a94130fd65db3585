#!/usr/bin/env node
// `npx agora <command>`: loads TypeScript through tsx, then runs core/cli.ts.
import { register } from "tsx/esm/api";

register();
await import("../core/cli.ts");
