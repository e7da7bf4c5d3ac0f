// The CLI process's entry (bin/assay.js loads its compiled form): exposes V8's gc, which
// the run loop uses to keep long runs' memory flat (the library never changes its host's
// flags; a CLI may), then runs the program and sets the exit code.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
(globalThis as { gc?: () => void }).gc ??= runInNewContext("gc") as () => void;
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv);
