// The chunked line reader behind streaming datasets: same lines as a whole-file split at any
// chunk size, UTF-8 refused at its line, files that change between passes refused.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvRecords, fileStamp, readLines } from "../../src/suite/line-reader.ts";
import { workspace } from "../helpers/workspace.ts";

const dir = workspace();
const file = (name: string, bytes: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const lines = (path: string, chunkBytes?: number) =>
  [...readLines(path, "f", { what: "data file", chunkBytes })].map((l) => [l.number, l.text]);

describe("readLines", () => {
  const text = '{"a": "é"}\r\n\n{"b": "日本語"}\nlast line without newline';
  it("gives the lines of a whole-file split at every chunk size", () => {
    const path = file("a.jsonl", text);
    const expected = text.split("\n").map((t, i) => [i + 1, t]);
    for (const chunk of [1, 2, 3, 5, 7, 64, 1 << 16]) expect(lines(path, chunk)).toEqual(expected);
  });

  it("drops a byte order mark and handles empty files and a final newline", () => {
    expect(lines(file("bom.jsonl", "\ufeffx\ny\n"), 2)).toEqual([
      [1, "x"],
      [2, "y"],
    ]);
    expect(lines(file("empty.jsonl", ""))).toEqual([]);
    expect(lines(file("nl.jsonl", "\n"))).toEqual([[1, ""]]);
  });

  it("refuses invalid UTF-8 at its line, whatever the chunk size", () => {
    const path = file(
      "latin1.jsonl",
      Buffer.concat([Buffer.from('{"a": 1}\n{"a": 2}\n{"a": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]),
    );
    for (const chunk of [1, 4, 1024])
      expect(() => lines(path, chunk)).toThrow(/^f:3: data file is not valid UTF-8 \(bytes e9 22 7d 0a at column 11\)/);
  });

  it("refuses a FIFO or a device instead of hanging or reading forever", () => {
    expect(() => lines("/dev/zero")).toThrow("data file is not a regular file");
    expect(() => fileStamp("/dev/zero", "/dev/zero", "data file")).toThrow("not a regular file");
  });

  it("refuses a file that changed since its stamp was taken", () => {
    const path = file("changing.jsonl", "1\n2\n");
    const stamp = fileStamp(path, "f", "data file");
    expect([...readLines(path, "f", { what: "data file", expect: stamp })]).toHaveLength(2);
    writeFileSync(path, "1\n2\n3\n");
    expect(() => [...readLines(path, "f", { what: "data file", expect: stamp })]).toThrow("data file changed while assay was reading it");
  });
});

describe("csvRecords", () => {
  it("groups lines into the records csv-parse reads, numbered by their last line", () => {
    const csv = 'id,text\n1,"one\ntwo"\n2,"say ""hi"""\n3,"a ""quoted\nbreak"" here"\n4,plain\n';
    const path = file("r.csv", csv);
    const records = [...csvRecords(readLines(path, "f", { what: "data file", chunkBytes: 3 }))];
    const reference = parseCsv(csv, { columns: true, info: true }) as { record: Record<string, string>; info: { lines: number } }[];
    const header = parseCsv(records[0].text)[0] as string[];
    const parsed = records
      .slice(1)
      .map((r) => ({ record: Object.fromEntries((parseCsv(r.text)[0] as string[]).map((v, i) => [header[i], v])), lines: r.number }));
    expect(parsed).toEqual(reference.map((r) => ({ record: r.record, lines: r.info.lines })));
  });
});
