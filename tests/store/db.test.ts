// Opening the store: schema, refusals that write nothing, read-only opening, error translation.
import { describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { UserError } from "../../src/errors.ts";
import { latestSchemaVersion, openStore } from "../../src/store/db.ts";
import { insertRun, listRuns } from "../../src/store/runs.ts";
import { storeError } from "../../src/store/store-error.ts";
import { workspace } from "../helpers/workspace.ts";

const digest = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** The UserError openStore throws (fails the test when it returns or throws something else). */
function refusal(path: string, options?: { readonly?: boolean }): UserError {
  let db: Database.Database | undefined;
  try {
    db = openStore(path, options);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  db.close();
  throw new Error(`openStore(${path}) was expected to refuse the file`);
}

describe("store", () => {
  it("creates the schema at the latest version, in WAL mode with foreign keys", () => {
    const path = join(workspace(), "a", "b.db");
    const db = openStore(path);
    expect(db.pragma("user_version", { simple: true })).toBe(latestSchemaVersion());
    expect(latestSchemaVersion()).toBe(6);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("busy_timeout", { simple: true })).toBe(60_000);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining([
        "runs",
        "tasks",
        "items",
        "strategies",
        "scorers",
        "models",
        "trials",
        "generations",
        "scores",
        "prompts",
        "cache",
        "file_hashes",
      ]),
    );
    expect(() =>
      db.prepare("INSERT INTO trials (item_id, strategy_id, model_id, sample, status) VALUES (99, 99, 99, 0, 'done')").run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
    // Reopening is idempotent.
    openStore(path).close();
  });

  it("upgrades a version-1 store in place, keeping its runs", () => {
    const path = join(workspace(), "v1.db");
    const raw = new Database(path);
    raw.exec(readFileSync(join(import.meta.dirname, "../../src/store/migrations/001-init.sql"), "utf8"));
    raw.pragma("user_version = 1");
    raw
      .prepare(
        "INSERT INTO runs (created_at, status, assay_version, seed, command, node_version) VALUES ('t', 'done', '0.1.0', 0, '{}', 'v20')",
      )
      .run();
    raw.exec(`INSERT INTO models VALUES (1, 1, 'echo', 'echo');
      INSERT INTO tasks VALUES (1, 1, 's', 't', '{}', 'x');
      INSERT INTO strategies VALUES (1, 1, 'zero-shot', 'zero-shot', '{}');
      INSERT INTO scorers VALUES (1, 1, 'exact-match', '{}', 1, 0);
      INSERT INTO items VALUES (1, 1, '1', NULL, '{}');
      INSERT INTO prompts VALUES (1, 'Q?', NULL);
      INSERT INTO trials VALUES (1, 1, 1, 1, 0, 'done', 'A', 'A', NULL, 5, 2, 1, NULL);
      INSERT INTO generations VALUES (1, 0, 1, 'A', 'A', 'stop', NULL, 0, 2, 5, 2, 1, NULL);
      INSERT INTO scores VALUES (1, 1, 1, NULL, NULL);`);
    raw.close();
    const db = openStore(path);
    expect(db.pragma("user_version", { simple: true })).toBe(6);
    expect(listRuns(db)).toMatchObject([{ id: 1, status: "done", owner_pid: null }]);
    // Version 3 keeps every call visible through the calls view, and the scores (rebuilt WITHOUT ROWID).
    expect(db.prepare("SELECT trial_id, idx, prompt_id, output, attempts FROM calls").all()).toEqual([
      { trial_id: 1, idx: 0, prompt_id: 1, output: "A", attempts: 2 },
    ]);
    expect(db.prepare("SELECT trial_id, scorer_id, value FROM scores").all()).toEqual([{ trial_id: 1, scorer_id: 1, value: 1 }]);
    db.close();
  });

  it("refuses a database from a newer assay before writing anything (not even WAL)", () => {
    const path = join(workspace(), "new.db");
    const raw = new Database(path);
    raw.pragma(`user_version = ${latestSchemaVersion() + 1}`);
    raw.close();
    const before = digest(path);
    for (const readonly of [false, true]) {
      const e = refusal(path, { readonly });
      expect(e.code).toBe("E_DB_VERSION");
      expect(e.message).toBe(
        `${path}: database schema version ${latestSchemaVersion() + 1} is newer than this assay (${latestSchemaVersion()}); upgrade assay`,
      );
    }
    expect(digest(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const check = new Database(path, { readonly: true });
    expect(check.pragma("journal_mode", { simple: true })).toBe("delete");
    check.close();
  });

  it("refuses a file that is not SQLite, reading or writing, and leaves it as it was", () => {
    const dir = workspace({ "notes.txt": "these are my notes, not a database\n".repeat(20) });
    writeFileSync(join(dir, "noise.bin"), randomBytes(8192));
    for (const name of ["notes.txt", "noise.bin"]) {
      const path = join(dir, name);
      const before = digest(path);
      for (const readonly of [false, true]) {
        const e = refusal(path, { readonly });
        expect(e.code).toBe("E_DB_NOTADB");
        expect(e.message).toBe(`${path}: not an SQLite database (SQLITE_NOTADB)`);
      }
      expect(digest(path)).toBe(before);
    }
    expect(refusal(dir).code).toBe("E_DB_NOTADB"); // a directory
  });

  it("refuses another application's database instead of adding assay's tables to it", () => {
    const path = join(workspace(), "app.db");
    const raw = new Database(path);
    raw.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')");
    raw.close();
    const before = digest(path);
    for (const readonly of [false, true]) {
      const e = refusal(path, { readonly });
      expect(e.code).toBe("E_DB_FOREIGN");
      expect(e.message).toContain("not an assay database (it holds another application's tables: notes)");
    }
    expect(digest(path)).toBe(before);
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master").pluck().all()).toEqual(["notes"]);
    check.close();
  });

  it("accepts an empty file or a new path for writing; a reader needs a store", () => {
    const dir = workspace({ "empty.db": "" });
    const e = refusal(join(dir, "empty.db"), { readonly: true });
    expect(e.code).toBe("E_DB_EMPTY");
    expect(readFileSync(join(dir, "empty.db")).length).toBe(0);
    const db = openStore(join(dir, "empty.db"));
    expect(db.pragma("user_version", { simple: true })).toBe(6);
    db.close();
    expect(refusal(join(dir, "missing.db"), { readonly: true }).message).toContain("database not found (run `assay run` first)");
    expect(existsSync(join(dir, "missing.db"))).toBe(false);
  });

  it("opens read-only without switching to WAL or writing, and cannot write through it", () => {
    const path = join(workspace(), "rollback.db");
    const setup = openStore(path);
    insertRun(setup, { assayVersion: "test", seed: 0, command: {} });
    setup.pragma("journal_mode = DELETE"); // e.g. a copy someone converted for archiving
    setup.close();
    const before = digest(path);
    const db = openStore(path, { readonly: true });
    expect(listRuns(db)).toHaveLength(1);
    expect(db.pragma("journal_mode", { simple: true })).toBe("delete");
    expect(() => insertRun(db, { assayVersion: "x", seed: 0, command: {} })).toThrow(/readonly/);
    db.close();
    expect(digest(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it("reads a WAL database whose -wal and -shm files are absent", () => {
    const dir = workspace();
    const path = join(dir, "w.db");
    const setup = openStore(path);
    insertRun(setup, { assayVersion: "test", seed: 7, command: {} });
    setup.close(); // checkpoints and removes -wal/-shm; the header still says WAL
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    const before = digest(path);
    const db = openStore(path, { readonly: true });
    expect(listRuns(db).map((r) => r.seed)).toEqual([7]);
    db.close();
    expect(digest(path)).toBe(before);
  });

  it("turns a lock held too long into a UserError naming the database", () => {
    const path = join(workspace(), "busy.db");
    const holder = openStore(path);
    holder.prepare("BEGIN IMMEDIATE").run();
    const waiter = openStore(path, { busyTimeoutMs: 20 });
    let thrown: unknown;
    try {
      insertRun(waiter, { assayVersion: "test", seed: 0, command: {} });
    } catch (error) {
      thrown = storeError(error, waiter.name);
    }
    holder.prepare("ROLLBACK").run();
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as UserError).code).toBe("E_DB_BUSY");
    expect((thrown as UserError).message).toMatch(
      new RegExp(`^${path}: the database stayed locked by another process for too long; try again when it is done \\(SQLITE_BUSY`),
    );
    waiter.close();
    holder.close();
  });

  it("leaves bugs alone: only user-fixable codes become UserErrors", () => {
    const bug = Object.assign(new Error("UNIQUE constraint failed: trials.item_id"), { code: "SQLITE_CONSTRAINT_UNIQUE" });
    expect(storeError(bug, "x.db")).toBe(bug);
    const full = storeError(Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" }), "x.db") as UserError;
    expect([full.code, full.message]).toEqual([
      "E_DB_FULL",
      "x.db: the disk is full (or over quota): free some space, then try again (SQLITE_FULL)",
    ]);
    expect((storeError(Object.assign(new Error("no space"), { code: "ENOSPC" }), "x.db") as UserError).code).toBe("E_DB_FULL");
    expect(
      (storeError(Object.assign(new Error("attempt to write a readonly database"), { code: "SQLITE_READONLY" }), "x.db") as UserError).code,
    ).toBe("E_DB_READONLY");
    expect((storeError(Object.assign(new Error("malformed"), { code: "SQLITE_CORRUPT" }), "x.db") as UserError).code).toBe("E_DB_CORRUPT");
  });
});
