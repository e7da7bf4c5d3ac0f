// A run killed with SIGKILL stays `running` in the store: `runs` calls it dead (its pid is
// gone), `show` warns that its numbers are partial, n so far of N planned.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostname } from "node:os";
import { startFakeOpenAI, type FakeServer } from "../fixtures/fake-openai-server.ts";
import { assayAsync } from "../helpers/cli.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAI({ latencyMs: 150 });
});
afterAll(() => server?.close());

describe("a run's liveness", () => {
  it("is live while it runs, dead after kill -9, with partial-number warnings, and done after resume", async () => {
    const dir = workspace({
      "suites/s.yaml":
        'suite: s\ntasks:\n  - id: echo\n    dataset: data/x.jsonl\n    prompt: "say {{w}}"\n    target: "echo: say {{w}}"\n    scorers: [exact-match]\n',
      "suites/data/x.jsonl": jsonl(Array.from({ length: 40 }, (_, i) => ({ w: `w${i}` }))),
    });
    const env = { ...process.env, OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_API_KEY: "sk-test" };
    // Not spawnSync: the fake server lives in this process and must keep answering.
    const cli = async (...args: string[]) => assayAsync(dir, args, env).done;
    const child = assayAsync(dir, ["run", "--model", "openai:fake", "-c", "2"], env);
    for (let i = 0; i < 300 && server.requests.length < 6; i++) await new Promise((r) => setTimeout(r, 50));

    const live = await cli("runs", "--json");
    expect(live.code, live.stderr).toBe(0);
    expect(JSON.parse(live.stdout)).toMatchObject([
      { id: 1, status: "running", state: "live", planned: 40, owner: { host: hostname(), pid: child.pid } },
    ]);
    const liveShow = await cli("show");
    expect(liveShow.code).toBe(0);
    expect(liveShow.stderr).toMatch(
      new RegExp(
        `^warning: run 1 is still running \\(process ${child.pid} on ${hostname()}\\): its numbers are partial \\(\\d+ of 40 planned trials so far\\)\\n$`,
      ),
    );

    child.kill("SIGKILL");
    await child.done;
    const runs = await cli("runs");
    expect(runs.code, runs.stderr).toBe(0);
    const [header, rule, row] = runs.stdout.split("\n");
    expect(header).toMatch(/^run\s+state\s+created\s+trials\s+errors\s+models\s+selectors$/);
    expect(rule).toMatch(/^-+(\s+-+){6}$/);
    const m = /^\s*1\s+dead\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+(\d+)\/40\s+0\s+openai:fake\s+\(all\)$/.exec(row);
    expect(m, row).not.toBeNull();
    const stored = Number(m![1]);
    expect(stored).toBeLessThan(40);
    const shown = await cli("show", "--json");
    expect(shown.code).toBe(0);
    const warning = `run 1 is dead: process ${child.pid} on ${hostname()} is gone (killed or crashed); its numbers are partial (${stored} of 40 planned trials so far); finish it with: assay run --resume 1`;
    expect(shown.stderr).toBe(`warning: ${warning}\n`);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      run: 1,
      status: "running",
      state: "dead",
      partial: { state: "dead", trials: stored, planned: 40, warning },
    });
    const items = await cli("show", "--items", "--limit", "1");
    expect(items.stderr).toBe(`warning: ${warning}\n`);
    expect(items.stdout).toContain(`showing 1 of ${stored} matching trials`);

    const resumed = await cli("run", "--resume", "1");
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = await cli("runs", "--json");
    expect(JSON.parse(after.stdout)).toMatchObject([{ id: 1, status: "done", state: "done", trials: 40, planned: 40, errors: 0 }]);
    const done = await cli("show", "--json");
    expect(done.stderr).toBe("");
    expect(JSON.parse(done.stdout).partial).toBeNull();
  }, 90_000);
});
