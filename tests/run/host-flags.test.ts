// The library must not change its host's V8 flags: a run in a process started without
// --expose-gc leaves `gc` unexposed (the CLI exposes it itself, for flat memory).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { workspace } from "../helpers/workspace.ts";

const root = join(import.meta.dirname, "..", "..");

describe("host flags", () => {
  it("runEval leaves gc unexposed in a host that did not expose it", () => {
    const dir = workspace({
      "probe.mts": `
import { runInNewContext } from "node:vm";
import { runEval } from ${JSON.stringify(join(root, "src/index.ts"))};
import { defineTask } from ${JSON.stringify(join(root, "src/index.ts"))};
const task = defineTask({ id: "t", items: Array.from({ length: 30000 }, (_, i) => ({ w: "w" + i })), prompt: "{{w}}", target: "{{w}}", scorers: ["exact-match"] });
await runEval({ db: ${JSON.stringify(join("DIR", "x.db"))}.replace("DIR", process.argv[2]), tasks: [task], models: ["echo"] });
console.log(JSON.stringify({ global: typeof (globalThis as { gc?: unknown }).gc, context: runInNewContext("typeof gc") }));
`,
    });
    const r = spawnSync(process.execPath, ["--import", "tsx", join(dir, "probe.mts"), dir], { cwd: root, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ global: "undefined", context: "undefined" });
  }, 60_000);
});
