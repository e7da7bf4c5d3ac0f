// Plain templates (text and `{{field}}`s) are recognised without handlebars: whatever is
// recognised must be exactly what handlebars parses, and handlebars is not even loaded.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import fc from "fast-check";
import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { plainTemplate } from "../../src/template/env.ts";
import "../property/seed.ts";

const root = join(import.meta.dirname, "..", "..");

/** Handlebars' own reading of a template as text pieces and plain field names, or undefined when it is more than that. */
function handlebarsPlain(source: string): { texts: string[]; names: string[] } | undefined | "error" {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch {
    return "error";
  }
  const texts: string[] = [];
  const names: string[] = [];
  let text = "";
  for (const s of program.body) {
    if (s.type === "ContentStatement") text += (s as hbs.AST.ContentStatement).value;
    else if (s.type === "MustacheStatement") {
      const m = s as hbs.AST.MustacheStatement;
      const path = m.path as hbs.AST.PathExpression;
      if (path.type !== "PathExpression" || path.data || path.depth !== 0 || path.parts.length !== 1 || m.params.length || m.hash)
        return undefined;
      texts.push(text);
      names.push(path.parts[0]);
      text = "";
    } else return undefined;
  }
  texts.push(text);
  return { texts, names };
}

describe("plainTemplate", () => {
  it("recognises only what handlebars reads as text and plain fields, piece for piece", () => {
    const piece = fc.constantFrom(
      "{{a}}",
      "{{{b}}}",
      "{{ c }}",
      "{{a.b}}",
      "{{this}}",
      "{{json a}}",
      "{{#if a}}x{{/if}}",
      "{{~a}}",
      "\\{{a}}",
      "{{",
      "}}",
      "{",
      "}",
      "text",
      " ",
      "\n",
      "\\",
      "{{!-- c --}}",
      "{{else}}",
      "{{true}}",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const source = pieces.join("");
        const ours = plainTemplate(source);
        if (ours === undefined) return;
        expect(handlebarsPlain(source)).toEqual(ours);
      }),
      { numRuns: 2000 },
    );
    expect(plainTemplate("Q: What is {{a}} + {{ b }}?\nA: {{{c}}}")).toEqual({
      texts: ["Q: What is ", " + ", "?\nA: ", ""],
      names: ["a", "b", "c"],
    });
    for (const s of ["{{a}}{{b}}", "\\{{a}}", "{{#if a}}{{a}}{{/if}}", "{{json a}}", "{{this}}", "{{a.b}}"])
      expect(plainTemplate(s)).toBeUndefined();
  });

  it("a task with plain templates loads, validates and renders without loading handlebars", () => {
    const probe = `
import { createRequire } from "node:module";
import { defineTask, prepareTask } from ${JSON.stringify(join(root, "src/index.ts"))};
const task = prepareTask(defineTask({ id: "t", items: [{ q: "a", a: 1 }], prompt: "Q: {{q}}", target: "{{a}}", scorers: ["exact-match"] }));
const rendered = [...task.readItems()].length;
const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("/node_modules/handlebars/"));
console.log(JSON.stringify({ rendered, loaded }));
`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", probe], { cwd: root, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ rendered: 1, loaded: false });
    expect(createRequire(import.meta.url).resolve("handlebars")).toContain("/node_modules/handlebars/");
  });
});
