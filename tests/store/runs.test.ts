// Typed store records: a run's recorded command, model weights, item targets, file hashes.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { openStore } from "../../src/store/db.ts";
import { rememberedFileHash, rememberFileHash } from "../../src/store/file-hashes.ts";
import { getRun, insertRun, modelWeights, recordedCommand, itemInserter, upsertModel, upsertTask } from "../../src/store/runs.ts";
import { workspace } from "../helpers/workspace.ts";

describe("recorded command", () => {
  it("reads what runEval records, and fills defaults for fields a row lacks", () => {
    const db = openStore(join(workspace(), "c.db"));
    const command = {
      select: ["arith", "tag:math"],
      models: ["echo", "local:demo"],
      suitesDir: "/x/suites",
      seed: 5,
      limit: 10,
      concurrency: 2,
      cache: false,
      config: "a.yaml",
    };
    const runId = insertRun(db, { assayVersion: "test", seed: 5, command });
    expect(recordedCommand(getRun(db, runId)!)).toEqual(command);
    const bare = insertRun(db, { assayVersion: "test", seed: 9, command: {} });
    expect(recordedCommand(getRun(db, bare)!)).toEqual({
      select: [],
      models: [],
      seed: 9,
      cache: true,
      suitesDir: undefined,
      limit: undefined,
      concurrency: undefined,
      config: undefined,
    });
    db.close();
  });

  it("refuses a command that is not what assay wrote", () => {
    expect(() => recordedCommand({ id: 3, seed: 0, command: "not json" })).toThrow("run 3: its recorded command is not a JSON object");
    expect(() => recordedCommand({ id: 3, seed: 0, command: '{"models": "echo"}' })).toThrow(
      'run 3: recorded command field "models" is not a list of strings',
    );
    expect(() => recordedCommand({ id: 3, seed: 0, command: '{"limit": "10"}' })).toThrow(
      'run 3: recorded command field "limit" is not a number',
    );
  });
});

describe("model weights and item targets", () => {
  it("records a local model's weights and each item's rendered targets", () => {
    const db = openStore(join(workspace(), "w.db"));
    const runId = insertRun(db, { assayVersion: "test", seed: 0, command: {} });
    const weights = { path: "/m/demo.gguf", size: 123, mtimeMs: 1700000000000.5, sha256: "ab".repeat(32) };
    const local = upsertModel(db, runId, "local:demo", "local:/m/demo.gguf", weights);
    const remote = upsertModel(db, runId, "echo", "echo");
    expect(modelWeights(db, local)).toEqual(weights);
    expect(modelWeights(db, remote)).toBeUndefined();
    expect(upsertModel(db, runId, "local:demo", "local:/m/demo.gguf")).toBe(local); // resume: same row, weights kept
    expect(modelWeights(db, local)).toEqual(weights);
    const ids = upsertTask(db, runId, {
      suite: "s",
      task: "t",
      definition: {},
      sha256: "x",
      strategies: [],
      scorers: [],
    });
    const insert = itemInserter(db);
    const rows = [
      { key: "1", fields: { q: "a" }, targets: ["A", "alpha"] },
      { key: "2", fields: { q: "b" } },
    ];
    const itemIds = insert(ids.taskId, rows);
    const targets = db.prepare("SELECT targets FROM items WHERE id = ?").pluck();
    expect(targets.get(itemIds[0])).toBe('["A","alpha"]');
    expect(targets.get(itemIds[1])).toBeNull();
    // Resuming, stored items keep their rows and ids.
    expect(insert(ids.taskId, [rows[1], { key: "3", fields: { q: "c" } }])).toEqual([itemIds[1], itemIds[1] + 1]);
    db.close();
  });
});

describe("remembered file hashes", () => {
  it("answers only for the exact path, size and mtime, and keeps the latest per path", () => {
    const db = openStore(join(workspace(), "h.db"));
    const file = { path: "/m/a.gguf", size: 100, mtimeMs: 1700000000123.25 };
    expect(rememberedFileHash(db, file)).toBeUndefined();
    rememberFileHash(db, { ...file, sha256: "1".repeat(64) });
    expect(rememberedFileHash(db, file)).toBe("1".repeat(64));
    expect(rememberedFileHash(db, { ...file, size: 101 })).toBeUndefined();
    expect(rememberedFileHash(db, { ...file, mtimeMs: file.mtimeMs + 1 })).toBeUndefined();
    expect(rememberedFileHash(db, { ...file, path: "/m/b.gguf" })).toBeUndefined();
    rememberFileHash(db, { ...file, size: 200, sha256: "2".repeat(64) });
    expect(rememberedFileHash(db, file)).toBeUndefined();
    expect(rememberedFileHash(db, { ...file, size: 200 })).toBe("2".repeat(64));
    expect(db.prepare("SELECT COUNT(*) FROM file_hashes").pluck().get()).toBe(1);
    db.close();
  });
});
