// A store on a really read-only file system, and a disk that fills up while trials are
// written: clear UserErrors naming the database, nothing committed lost.
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../src/errors.ts";
import { openStore } from "../../src/store/db.ts";
import { getRun, insertRun, listRuns, trySetRunStatus } from "../../src/store/runs.ts";
import { storeError } from "../../src/store/store-error.ts";
import { trialWriter, type TrialRecord } from "../../src/store/trials.ts";
import { storeWithTask } from "../helpers/store-task.ts";
import { canMount, tmpfs } from "../helpers/tmpfs.ts";

const mounts: { unmount(): void }[] = [];
afterAll(() => {
  for (const m of mounts.splice(0)) m.unmount();
});

function mount(size: string) {
  const m = tmpfs(size);
  mounts.push(m);
  return m;
}

describe.skipIf(!canMount)("a store on a read-only file system", () => {
  it("is read through a copy (WAL without -shm), never written; opening it to write says read-only", () => {
    const fs = mount("1m");
    const path = join(fs.dir, "assay.db");
    const setup = openStore(path);
    insertRun(setup, { assayVersion: "test", seed: 3, command: { select: ["x"] } });
    setup.close();
    expect(readdirSync(fs.dir)).toEqual(["assay.db"]); // WAL mode, -wal and -shm removed on close
    fs.readOnly();
    const db = openStore(path, { readonly: true });
    expect(listRuns(db).map((r) => [r.id, r.seed])).toEqual([[1, 3]]);
    db.close();
    let thrown: unknown;
    try {
      openStore(path).close();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as UserError).code).toBe("E_DB_READONLY");
    expect((thrown as UserError).message).toBe(`${path}: the database is read-only (a read-only file, folder or file system) (EROFS)`);
    expect(readdirSync(fs.dir)).toEqual(["assay.db"]);
  });
});

describe.skipIf(!canMount)("a disk that fills up during a run", () => {
  it("fails with a clear E_DB_FULL, keeps every committed batch, and the run's status can be set once space is freed", () => {
    const fs = mount("480k");
    const path = join(fs.dir, "assay.db");
    // Ballast, removed later to free space as a user would.
    writeFileSync(join(fs.dir, "ballast"), Buffer.alloc(96 * 1024));
    const { db, runId, modelId, strategyId, scorerId, itemIds } = storeWithTask(path, 400);
    const write = trialWriter(db);
    const trial = (i: number): TrialRecord => ({
      itemId: itemIds[i],
      strategyId,
      modelId,
      sample: 0,
      status: "done",
      output: `output ${i} `.padEnd(2000, "x"),
      answer: String(i),
      generations: [{ idx: 0, promptText: `prompt ${i} `.padEnd(1000, "p"), output: "o", answer: "o", cached: false, attempts: 1 }],
      scores: [{ scorerId, value: 1 }],
    });
    let committed = 0;
    let failure: unknown;
    for (let batch = 0; batch < 40 && failure === undefined; batch++) {
      try {
        write(Array.from({ length: 10 }, (_, j) => trial(batch * 10 + j)));
        committed += 10;
      } catch (error) {
        failure = storeError(error, path);
      }
    }
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as UserError).code).toBe("E_DB_FULL");
    expect((failure as UserError).message).toBe(`${path}: the disk is full (or over quota): free some space, then try again (SQLITE_FULL)`);
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(400);
    // trySetRunStatus never throws, whether or not the disk lets it through.
    trySetRunStatus(db, runId, "interrupted", "the disk was full");
    rmSync(join(fs.dir, "ballast"));
    expect(trySetRunStatus(db, runId, "interrupted", "the disk was full")).toBe(true);
    db.close();
    const after = openStore(path, { readonly: true });
    expect(after.prepare("SELECT COUNT(*) FROM trials").pluck().get()).toBe(committed);
    expect(getRun(after, runId)).toMatchObject({ status: "interrupted", stop_reason: "the disk was full" });
    after.close();
    expect(existsSync(path)).toBe(true);
  });
});
