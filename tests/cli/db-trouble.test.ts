// Database and output trouble through the CLI: a clear one-line error and exit 2, never an
// internal error with a stack, and the file left as it was.
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { latestSchemaVersion } from "../../src/store/db.ts";
import { assay, assayEntry } from "../helpers/cli.ts";
import { canMount, tmpfs } from "../helpers/tmpfs.ts";
import { workspace } from "../helpers/workspace.ts";

const digest = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Exit 2, one `error:` message naming the file, no stack trace. */
function expectUserError(r: { code: number | null; stderr: string }, message: string) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toBe(`error: ${message}\n`);
}

/** `run` names the database by its absolute path (runEval resolves --db); the readers as given. */
const shownAs = (args: string[], dir: string, name: string) => (args[0] === "run" ? join(dir, name) : name);

const mounts: { unmount(): void }[] = [];
afterAll(() => {
  for (const m of mounts.splice(0)) m.unmount();
});

describe("a --db that is not an assay store", () => {
  const dir = workspace({ "notes.txt": "my notes, not a database\n".repeat(40) });
  writeFileSync(join(dir, "noise.bin"), randomBytes(4096));
  const app = new Database(join(dir, "app.db"));
  app.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE orders (id INTEGER PRIMARY KEY)");
  app.close();
  const newer = new Database(join(dir, "newer.db"));
  newer.pragma(`user_version = ${latestSchemaVersion() + 5}`);
  newer.close();

  it.each(["notes.txt", "noise.bin"])("refuses %s for run, show, runs and export, unchanged", (name) => {
    const path = join(dir, name);
    const before = digest(path);
    for (const args of [["run", "example", "--model", "echo"], ["show"], ["runs"], ["export", "1", "--jsonl"]]) {
      expectUserError(assay(dir, ...args, "--db", name), `${shownAs(args, dir, name)}: not an SQLite database (SQLITE_NOTADB)`);
    }
    expect(digest(path)).toBe(before);
  });

  it("refuses another application's database rather than adding assay's tables to it", () => {
    const before = digest(join(dir, "app.db"));
    for (const args of [["run", "example", "--model", "echo"], ["show"]]) {
      expectUserError(
        assay(dir, ...args, "--db", "app.db"),
        `${shownAs(args, dir, "app.db")}: not an assay database (it holds another application's tables: orders, users); use another --db path`,
      );
    }
    expect(digest(join(dir, "app.db"))).toBe(before);
  });

  it("refuses a database from a newer assay before switching it to WAL", () => {
    const before = digest(join(dir, "newer.db"));
    for (const args of [["run", "example", "--model", "echo"], ["show"], ["runs"]]) {
      expectUserError(
        assay(dir, ...args, "--db", "newer.db"),
        `${shownAs(args, dir, "newer.db")}: database schema version ${latestSchemaVersion() + 5} is newer than this assay (${latestSchemaVersion()}); upgrade assay`,
      );
    }
    expect(digest(join(dir, "newer.db"))).toBe(before);
    expect(readdirSync(dir).filter((f) => f.startsWith("newer.db"))).toEqual(["newer.db"]);
  });
});

describe.skipIf(!canMount)("a store on a read-only file system", () => {
  it("show, runs and export read it; run says it is read-only", () => {
    const fs = tmpfs("2m");
    mounts.push(fs);
    const db = join(fs.dir, "assay.db");
    const cwd = workspace();
    expect(assay(cwd, "run", "example", "--model", "echo", "--db", db).code).toBe(0);
    fs.readOnly();
    const shown = assay(cwd, "show", "--db", db, "--json");
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ run: 1, status: "done", state: "done", partial: null });
    const runs = assay(cwd, "runs", "--db", db);
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).toMatch(/^\s+1\s+done\s+/m);
    const exported = assay(cwd, "export", "1", "--jsonl", "--db", db);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout.trim().split("\n")).toHaveLength(40 * 3 + 4);
    expectUserError(
      assay(cwd, "run", "example", "--model", "echo", "--db", db),
      `${db}: the database is read-only (a read-only file, folder or file system) (EROFS)`,
    );
    expect(readdirSync(fs.dir)).toEqual(["assay.db"]);
  });
});

describe("stdout on a full device", () => {
  const dir = workspace();
  assay(dir, "run", "example", "--model", "echo");

  it.each(["runs", "show --json", "export 1 --csv"])("assay %s > /dev/full: one line on stderr, exit 2", (command) => {
    const args = command.split(" ");
    const full = openSync("/dev/full", "w");
    try {
      const r = spawnSync(process.execPath, [...assayEntry, ...args], { cwd: dir, encoding: "utf8", stdio: ["ignore", full, "pipe"] });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe("error: cannot write to standard output: ENOSPC: no space left on device, write\n");
    } finally {
      closeSync(full);
    }
  });
});
