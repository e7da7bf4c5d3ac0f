#!/usr/bin/env node
// The assay CLI. The CLI (not the library) exposes V8's gc, so long runs can keep memory
// flat (see src/run/memory.ts); then it runs the TypeScript sources through tsx.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
setFlagsFromString("--expose-gc");
globalThis.gc ??= runInNewContext("gc");
const { register } = await import("tsx/esm/api");
register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv);
