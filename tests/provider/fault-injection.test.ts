// Under injected faults (20% of requests answered 429 or 500) every trial of a run ends
// completed or stored as an error after its retries; none vanish; attempts are in the DB.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createProvider } from "../../src/provider/create.ts";
import { runEval } from "../../src/run/run-eval.ts";
import { additionTask } from "../run/fixtures/counting-provider.ts";
import { startFakeOpenAI, type FakeServer } from "../fixtures/fake-openai-server.ts";

let dir: string;
let server: FakeServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "assay-faults-"));
  server = await startFakeOpenAI({ failureRate: 0.2, seed: 12 });
  vi.stubEnv("OPENAI_API_KEY", "");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a run against a flaky OpenAI-compatible server", () => {
  it("ends every trial completed or as an error, with attempts recorded", async () => {
    const config = {
      root: dir,
      prices: {},
      models: { flaky: { provider: "openai", model: "m", base_url: `${server.url}/v1`, retries: 3, concurrency: 8 } },
    };
    const provider = await createProvider("flaky", { cwd: dir, config });
    const db = join(dir, "run.db");
    const result = await runEval({ db, tasks: [additionTask(60)], models: [provider], cache: false, retryBaseDelayMs: 1 });
    expect(result.trials).toBe(60);
    const sql = new Database(db, { readonly: true });
    const statuses = sql.prepare("SELECT status, COUNT(*) AS n FROM trials GROUP BY status").all() as { status: string; n: number }[];
    expect(statuses.reduce((n, s) => n + s.n, 0)).toBe(60);
    const attempts = sql.prepare("SELECT SUM(attempts) FROM calls").pluck().get() as number;
    expect(attempts).toBe(server.requests.length);
    expect(attempts).toBeGreaterThan(60);
    const erroredTrials = statuses.find((s) => s.status === "error")?.n ?? 0;
    expect(result.errors).toBe(erroredTrials);
    sql.close();
  });
});
