// Inserting many rows with few statement calls: better-sqlite3 costs a round trip per
// statement run, so rows go 64 to an INSERT (the write path's rows are small).
import type Database from "better-sqlite3";
import type { Db } from "./db.ts";

/** Rows per multi-row INSERT statement. */
const rowsPerStatement = 64;

/**
 * Insert flat rows (values in column order, row after row) with statements of up to 64
 * rows each: one statement call per 64 rows instead of one per row.
 */
export function multiRowInsert(db: Db, table: string, columns: string[]): (values: unknown[]) => void {
  const statements = new Map<number, Database.Statement>();
  const statementFor = (rows: number) => {
    let statement = statements.get(rows);
    if (!statement) {
      const row = `(${columns.map(() => "?").join(", ")})`;
      statement = db.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array.from({ length: rows }, () => row).join(", ")}`);
      statements.set(rows, statement);
    }
    return statement;
  };
  const width = columns.length;
  return (values) => {
    const total = values.length / width;
    for (let at = 0; at < total; at += rowsPerStatement) {
      const rows = Math.min(rowsPerStatement, total - at);
      statementFor(rows).run(rows === total ? values : values.slice(at * width, (at + rows) * width));
    }
  };
}
