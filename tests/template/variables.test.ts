// The fields a template prints, and why an item's value cannot be printed.
import { describe, expect, it } from "vitest";
import { printedFields, printProblem } from "../../src/template/variables.ts";

describe("printedFields", () => {
  it("finds printed paths in the item's context, not helper arguments or other contexts", () => {
    const fields = printedFields(
      "{{a}} {{{b.c}}} {{json d}} {{join e}} {{#if f}}{{g}}{{else}}{{h}}{{/if}} {{#each l}}{{x}}{{else}}{{k}}{{/each}} {{this.m}} {{@index}} {{upper n}}",
    );
    expect(fields).toEqual([
      { path: ["a"], conditional: false },
      { path: ["b", "c"], conditional: false },
      { path: ["g"], conditional: true },
      { path: ["h"], conditional: true },
      { path: ["k"], conditional: true },
      { path: ["m"], conditional: false },
    ]);
    expect(printedFields("{{a}")).toEqual([]);
  });
});

describe("printProblem", () => {
  const at = (path: string[], conditional = false) => ({ path, conditional });
  it("objects and lists cannot be printed as they are", () => {
    expect(printProblem({ a: { x: 1 } }, at(["a"]))).toBe(
      'field "a" is an object, which {{a}} prints as "[object Object]": write {{json a}}',
    );
    expect(printProblem({ a: ["x", "y"] }, at(["a"]))).toBe(
      'field "a" is a list, which {{a}} prints as "x,y": write {{join a ", "}} or {{json a}}',
    );
    expect(printProblem({ a: { b: { c: 1 } } }, at(["a", "b"]))).toMatch(/^field "a\.b" is an object/);
  });

  it("a printed field must be the item's own, reached through objects", () => {
    expect(printProblem({ q: 1 }, at(["constructor"]))).toBe('template variable "constructor" is not a field of this item (fields: q)');
    expect(printProblem({ q: "abc" }, at(["q", "length"]))).toBe('template variable "q.length": field "q" is a string, not an object');
    expect(printProblem({ q: {} }, at(["q", "r"]))).toBe('template variable "q.r" is not defined: "q" has no field "r"');
  });

  it("text, numbers, booleans and null print; a conditional field may be absent", () => {
    for (const value of ["x", 0, true, null]) expect(printProblem({ a: value }, at(["a"]))).toBeNull();
    expect(printProblem({}, at(["a"], true))).toBeNull();
    expect(printProblem({ a: [1] }, at(["a"], true))).toMatch(/is a list/);
  });
});
