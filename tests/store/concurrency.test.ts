// Several processes opening one new database file at the same moment: it is created and
// migrated once, and every process gets its own run.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { latestSchemaVersion, openStore } from "../../src/store/db.ts";
import { listRuns } from "../../src/store/runs.ts";
import { workspace } from "../helpers/workspace.ts";

const child = join(import.meta.dirname, "..", "helpers", "open-store-child.mjs");

describe("processes sharing a new database", () => {
  it("migrates once when six processes open a fresh file at once", async () => {
    const dir = workspace();
    const db = join(dir, "shared.db");
    const go = join(dir, "go");
    const children = Array.from({ length: 6 }, () => spawn(process.execPath, [child, db, go], { stdio: ["ignore", "pipe", "pipe"] }));
    const outputs = children.map((c) => {
      let stdout = "";
      let stderr = "";
      c.stdout.on("data", (d) => (stdout += d));
      c.stderr.on("data", (d) => (stderr += d));
      return {
        ready: new Promise<void>((resolve) => c.stdout.on("data", () => stdout.includes("ready") && resolve())),
        done: new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
          c.once("exit", (code) => resolve({ code, stdout, stderr })),
        ),
      };
    });
    await Promise.all(outputs.map((o) => o.ready));
    writeFileSync(go, "");
    const results = await Promise.all(outputs.map((o) => o.done));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0, stderr: "" });
    const ids = results.map((r) => Number(/run (\d+)/.exec(r.stdout)![1])).sort((a, b) => a - b);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
    const store = openStore(db, { readonly: true });
    expect(store.pragma("user_version", { simple: true })).toBe(latestSchemaVersion());
    expect(listRuns(store)).toHaveLength(6);
    store.close();
  }, 60_000);
});
