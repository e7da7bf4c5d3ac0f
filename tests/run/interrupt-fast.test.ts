// Interrupts must work at any speed: a model that answers instantly (echo, replay, cache
// hits) settles trials in microtasks, and the run must still see an abort or a SIGINT.
import { spawn } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { runEval } from "../../src/run/run-eval.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";
import { assayEntry } from "../helpers/cli.ts";

describe("interrupting a run of a fast model", () => {
  it("stops soon after the signal aborts, in-process", async () => {
    const dir = workspace();
    const items = Array.from({ length: 100_000 }, (_, i) => ({ w: `w${i}` }));
    const task = defineTask({ id: "fast", items, prompt: "{{w}}", target: "{{w}}", scorers: ["exact-match"] });
    const controller = new AbortController();
    // A timer, like a signal handler, only runs when the run yields to the event loop. It is set
    // when the first trial finishes (not at a fixed time: setting up may take long on a busy machine).
    let timer: NodeJS.Timeout | undefined;
    const reporter = { onTrialResult: () => void (timer ??= setTimeout(() => controller.abort(), 100)) };
    const result = await runEval({ db: join(dir, "a.db"), tasks: [task], models: ["echo"], signal: controller.signal, reporter });
    expect(result.interrupted).toBe(true);
    expect(result.trials).toBeGreaterThan(0);
    expect(result.trials).toBeLessThan(100_000);
    const db = new Database(join(dir, "a.db"), { readonly: true });
    expect(db.prepare("SELECT status FROM runs").pluck().get()).toBe("interrupted");
    db.close();
  }, 60_000);

  it("exits 130 on SIGINT from the CLI with the echo model, leaving the run interrupted", async () => {
    const dir = workspace({
      "suites/s.yaml":
        'suite: s\ntasks:\n  - id: echo\n    dataset: data/x.jsonl\n    prompt: "{{w}}"\n    target: "{{w}}"\n    scorers: [exact-match]\n',
      "suites/data/x.jsonl": jsonl(Array.from({ length: 200_000 }, (_, i) => ({ w: `w${i}` }))),
    });
    const child = spawn(process.execPath, [...assayEntry, "run", "--model", "echo"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    // Wait until trials are being written, then interrupt.
    for (let i = 0; i < 600 && !/\d+\/200000 trials/.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGINT");
    const code = await new Promise((r) => child.once("exit", (c) => r(c)));
    expect(code).toBe(130);
    const db = new Database(join(dir, ".assay/assay.db"), { readonly: true });
    const stored = db.prepare("SELECT COUNT(*) FROM trials").pluck().get() as number;
    expect(db.prepare("SELECT status FROM runs").pluck().get()).toBe("interrupted");
    db.close();
    expect(stored).toBeLessThan(200_000);
  }, 120_000);
});
