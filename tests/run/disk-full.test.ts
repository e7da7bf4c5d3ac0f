// A disk that fills up during `assay run`: a clear error (exit 2, no stack), nothing that was
// committed lost, the run recorded as stopped, and --resume finishing it once there is space.
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { assay } from "../helpers/cli.ts";
import { canMount, tmpfs } from "../helpers/tmpfs.ts";
import { jsonl, workspace } from "../helpers/workspace.ts";

const mounts: { unmount(): void }[] = [];
afterAll(() => {
  for (const m of mounts.splice(0)) m.unmount();
});

describe.skipIf(!canMount)("assay run on a disk that fills up", () => {
  it("stops with a clear message and resumes to the full count once space is freed", () => {
    const n = 3000;
    const dir = workspace({
      "suites/s.yaml":
        'suite: s\ntasks:\n  - id: big\n    dataset: data/d.jsonl\n    prompt: "{{w}}"\n    target: "{{w}}"\n    scorers: [exact-match]\n',
      "suites/data/d.jsonl": jsonl(Array.from({ length: n }, (_, i) => ({ w: `${i} ${"word ".repeat(60)}` }))),
    });
    const fs = tmpfs("2m");
    mounts.push(fs);
    const db = join(fs.dir, "assay.db");
    const full = assay(dir, "run", "--model", "echo", "--db", db);
    expect(full.code).toBe(2);
    expect(full.stderr).toMatch(new RegExp(`^error: ${db.replace(/[/.]/g, "\\$&")}: the disk is full`, "m"));
    expect(full.stderr).not.toContain("internal error");
    expect(full.stderr).not.toMatch(/\n\s+at /);
    fs.resize("64m");
    const sql = new Database(db, { readonly: true });
    const stored = sql.prepare("SELECT COUNT(*) FROM trials").pluck().get() as number;
    sql.close();
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(n);
    const runs = JSON.parse(assay(dir, "runs", "--db", db, "--json").stdout) as Record<string, unknown>[];
    expect(runs[0]).toMatchObject({ status: "interrupted", stopReason: "the disk was full", trials: stored });
    const resumed = assay(dir, "run", "--resume", "1", "--db", db, "--json");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).results[0]).toMatchObject({ n, errors: 0 });
  }, 120_000);
});
