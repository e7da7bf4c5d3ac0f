import { describe, expect, it } from "vitest";
import { join } from "node:path";
import Database from "better-sqlite3";
import { latestSchemaVersion, openStore } from "../../src/store/db.ts";
import { workspace } from "../helpers/workspace.ts";

describe("store", () => {
  it("creates the schema at the latest version, in WAL mode with foreign keys", () => {
    const path = join(workspace(), "a", "b.db");
    const db = openStore(path);
    expect(db.pragma("user_version", { simple: true })).toBe(latestSchemaVersion());
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(["runs", "tasks", "items", "strategies", "scorers", "models", "trials", "generations", "scores", "prompts", "cache"]));
    expect(() => db.prepare("INSERT INTO trials (item_id, strategy_id, model_id, sample, status) VALUES (99, 99, 99, 0, 'done')").run()).toThrow(/FOREIGN KEY/);
    db.close();
    // Reopening is idempotent.
    openStore(path).close();
  });

  it("refuses a database from a newer assay", () => {
    const path = join(workspace(), "new.db");
    const raw = new Database(path);
    raw.pragma(`user_version = ${latestSchemaVersion() + 1}`);
    raw.close();
    expect(() => openStore(path)).toThrow(/newer than this assay/);
  });
});
