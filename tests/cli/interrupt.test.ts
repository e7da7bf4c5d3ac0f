// Ctrl-C: the CLI stops, keeps what finished, exits 130 and names the resume command;
// --resume finishes the run. The model is a real openai SDK client against a slow fake server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import { startFakeOpenAI, type FakeServer } from "../fixtures/fake-openai-server.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";
import { assayEntry } from "../helpers/cli.ts";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAI({ latencyMs: 150 });
});
afterAll(() => server?.close());

describe("interrupting a run", () => {
  it("stops on SIGINT with exit 130 and resumes without duplicates", async () => {
    const dir = workspace({
      "suites/s.yaml":
        'suite: s\ntasks:\n  - id: echo\n    dataset: data/x.jsonl\n    prompt: "say {{w}}"\n    target: "echo: say {{w}}"\n    scorers: [exact-match]\n',
      "suites/data/x.jsonl": jsonl(Array.from({ length: 40 }, (_, i) => ({ w: `w${i}` }))),
    });
    const env = { ...process.env, OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_API_KEY: "sk-test" };
    const child = spawn(process.execPath, [...assayEntry, "run", "--model", "openai:fake", "-c", "2"], {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    for (let i = 0; i < 300 && server.requests.length < 8; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGINT");
    const code = await new Promise((r) => child.once("exit", (c) => r(c)));
    expect(code).toBe(130);
    expect(stderr).toContain("interrupted: resume with: assay run --resume 1\n");
    const db = new Database(join(dir, ".assay/assay.db"), { readonly: true });
    const stored = db.prepare("SELECT COUNT(*) FROM trials").pluck().get() as number;
    expect(db.prepare("SELECT status FROM runs").pluck().get()).toBe("interrupted");
    expect(db.prepare("SELECT COUNT(*) FROM trials WHERE status = 'error'").pluck().get()).toBe(0);
    db.close();
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(40);
    // Not spawnSync: the fake server lives in this process and must keep answering.
    const resumed = spawn(process.execPath, [...assayEntry, "run", "--resume", "1", "--json"], {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    resumed.stdout.on("data", (d) => (stdout += d));
    expect(await new Promise((r) => resumed.once("exit", (c) => r(c)))).toBe(0);
    expect(JSON.parse(stdout).results[0]).toMatchObject({ n: 40, value: 1, errors: 0 });
    const after = new Database(join(dir, ".assay/assay.db"), { readonly: true });
    expect(after.prepare("SELECT COUNT(*) FROM trials").pluck().get()).toBe(40);
    expect(after.prepare("SELECT status FROM runs").pluck().get()).toBe("done");
    after.close();
  }, 60_000);
});
