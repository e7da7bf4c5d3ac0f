import { describe, expect, it } from "vitest";
import { Registry } from "../../src/suite/registry.ts";
import { defineTask } from "../../src/suite/define-task.ts";
import { UserError } from "../../src/errors.ts";

const task = (suite: string, id: string, tags: string[] = []) =>
  defineTask({ suite, id, items: [{ q: "x", a: "y" }], prompt: "{{q}}", target: "{{a}}", scorers: ["exact-match"], tags });

describe("registry selection", () => {
  const registry = new Registry([
    task("arith", "add", ["math"]),
    task("arith", "sub", ["math"]),
    task("strings", "reverse"),
    task("strings", "arith-words"),
  ]);
  const ids = (selectors: string[]) => registry.select(selectors).map((t) => `${t.suite}/${t.id}`);

  it("selects by task id, suite id, suite/task, glob and tag", () => {
    expect(ids([])).toHaveLength(4);
    expect(ids(["add"])).toEqual(["arith/add"]);
    expect(ids(["strings"])).toEqual(["strings/reverse", "strings/arith-words"]);
    expect(ids(["arith/sub"])).toEqual(["arith/sub"]);
    expect(ids(["arith*"])).toEqual(["arith/add", "arith/sub", "strings/arith-words"]);
    expect(ids(["tag:math", "reverse"])).toEqual(["arith/add", "arith/sub", "strings/reverse"]);
  });

  it("rejects a selector matching nothing, with a suggestion", () => {
    expect(() => registry.select(["reverce"])).toThrow(UserError);
    expect(() => registry.select(["reverce"])).toThrow(/no task matches "reverce"; did you mean "reverse"/);
  });

  it("rejects the same task declared twice", () => {
    expect(() => new Registry([task("a", "x"), task("a", "x")])).toThrow(/duplicate task "a\/x"/);
  });

  it("validates defineTask like YAML", () => {
    expect(() => defineTask({ id: "t", items: [{}], prompt: "", scorers: ["exact-macth"] })).toThrow(/unknown scorer "exact-macth"/);
    expect(() =>
      defineTask({ id: "t", items: [{}], prompt: "", scorers: ["includes"], strategies: [{ name: "few-shot", k: -1 }] }),
    ).toThrow(/strategies\[0\]\.k/);
  });
});

describe("code suites", () => {
  it("discovers NAME.suite.ts files whose default export is defineTask(...)", async () => {
    const { workspace } = await import("../helpers/workspace.ts");
    const { loadRegistry } = await import("../../src/suite/registry.ts");
    const { join } = await import("node:path");
    const src = join(import.meta.dirname, "..", "..", "src", "suite", "define-task.ts");
    const dir = workspace({
      "suites/capitals.suite.ts": `import { defineTask } from ${JSON.stringify(src)};\nexport default defineTask({ suite: "geo", id: "capitals", items: [{ c: "France", a: "Paris" }], prompt: "Capital of {{c}}?", target: "{{a}}", scorers: ["includes"] });\n`,
      "suites/bad.suite.ts": "export default 42;\n",
    });
    const withBad = await loadRegistry(join(dir, "suites"), dir);
    expect(() => withBad.select([])).toThrow(/suites\/bad\.suite\.ts: a \.suite\.ts file must default-export defineTask/);
    const { rmSync } = await import("node:fs");
    rmSync(join(dir, "suites/bad.suite.ts"));
    const registry = await loadRegistry(join(dir, "suites"), dir);
    expect(registry.tasks.map((t) => `${t.suite}/${t.id}`)).toEqual(["geo/capitals"]);
  });
});
