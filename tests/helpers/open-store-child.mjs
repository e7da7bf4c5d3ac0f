// A child process for store concurrency tests: waits until GO_FILE exists (so all children
// start together), then opens DB read-write and inserts one run; prints the run id.
// Usage: node open-store-child.mjs DB GO_FILE
import { existsSync } from "node:fs";
import { register } from "tsx/esm/api";

register();
const { openStore } = await import("../../src/store/db.ts");
const { insertRun } = await import("../../src/store/runs.ts");
const [db, go] = process.argv.slice(2);
process.stdout.write("ready\n");
const pause = new Int32Array(new SharedArrayBuffer(4));
while (!existsSync(go)) Atomics.wait(pause, 0, 0, 1);
const store = openStore(db);
process.stdout.write(`run ${insertRun(store, { assayVersion: "test", seed: 0, command: {} })}\n`);
store.close();
