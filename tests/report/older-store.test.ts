// The read-only commands on a store written by an older assay (schema 1): read as it is,
// never upgraded, with what schema 1 lacks (owner, targets) reported as unknown.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { exportRun } from "../../src/report/export.ts";
import { runsOverview } from "../../src/report/runs-overview.ts";
import { showRun } from "../../src/report/show-run.ts";
import { openStore } from "../../src/store/db.ts";
import { workspace } from "../helpers/workspace.ts";

function schemaOneStore(path: string): void {
  const raw = new Database(path);
  raw.pragma("journal_mode = WAL");
  raw.exec(readFileSync(join(import.meta.dirname, "../../src/store/migrations/001-init.sql"), "utf8"));
  raw.pragma("user_version = 1");
  raw.exec(`
    INSERT INTO runs VALUES (1, '2026-01-01T00:00:00.000Z', NULL, 'running', '0.0.9', 0, '{"select":["t"],"models":["echo"],"seed":0,"cache":true}', 'v20');
    INSERT INTO models VALUES (1, 1, 'echo', 'echo');
    INSERT INTO tasks VALUES (1, 1, 's', 't', '{"repeats":1}', 'h');
    INSERT INTO strategies VALUES (1, 1, 'zero-shot', 'zero-shot', '{}');
    INSERT INTO scorers VALUES (1, 1, 'exact-match', '{"name":"exact-match","args":{}}', 1, 0);
    INSERT INTO items VALUES (1, 1, '1', NULL, '{"w":"a"}'), (2, 1, '2', NULL, '{"w":"b"}');
    INSERT INTO prompts VALUES (1, 'Say a', NULL);
    INSERT INTO trials VALUES (1, 1, 1, 1, 0, 'done', 'a', 'a', NULL, 1, NULL, NULL, NULL);
    INSERT INTO generations VALUES (1, 0, 1, 'a', 'a', 'stop', NULL, 0, 1, 1, NULL, NULL, NULL);
    INSERT INTO scores VALUES (1, 1, 1, NULL, NULL);`);
  raw.close();
}

describe("a schema-1 store", () => {
  it("is listed, shown and exported without being upgraded", () => {
    const path = join(workspace(), "v1.db");
    schemaOneStore(path);
    const before = createHash("sha256").update(readFileSync(path)).digest("hex");
    const db = openStore(path, { readonly: true });
    expect(runsOverview(db)).toMatchObject([
      { id: 1, status: "running", state: "unknown", trials: 1, planned: 2, models: ["echo"], select: ["t"] },
    ]);
    const report = showRun(db, 1);
    expect(report.warning).toBe(
      "run 1 is marked running but records no owner (an older assay): its numbers are partial (1 of 2 planned trials so far)",
    );
    expect(report.results).toMatchObject([{ task: "s/t", metric: "exact-match", value: 1, n: 1 }]);
    const [record] = [...exportRun(db, 1, "jsonl")].map((l) => JSON.parse(l));
    expect(record).toMatchObject({ item: "1", prompt: "Say a", output: "a", targets: null, scores: { "exact-match": 1 } });
    db.close();
    expect(createHash("sha256").update(readFileSync(path)).digest("hex")).toBe(before);
    const check = new Database(path, { readonly: true });
    expect(check.pragma("user_version", { simple: true })).toBe(1);
    check.close();
  });
});
