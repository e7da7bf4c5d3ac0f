import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { compileTemplate, MissingVariableError } from "../../src/template/env.ts";

// The direct-substitution path for simple templates must give exactly what handlebars gives.
describe("compileTemplate", () => {
  const reference = Handlebars.create();
  reference.registerHelper("upper", (value: unknown) => String(value).toUpperCase());
  const templates = [
    "{{{prompt}}}",
    "{{prompt}}",
    "{{{prompt}}} Let's think step by step.",
    "Q: What is {{a}} + {{b}}?\nA:",
    "{{a}}{{b}}",
    "{{a}}{{b}} and {{a}}",
    "x{{a}}{{b}}",
    "  {{~a~}}  x  {{b~}}  ",
    "\\{{a}} {{b}}",
    "<{{a}}> & {{{b}}}",
    "no variables at all",
    "",
    "{{a.b}}",
    "{{upper a}}",
  ];
  const contexts: Record<string, unknown>[] = [
    { prompt: "p<&>", a: "x", b: "y" },
    { prompt: 3, a: 0, b: -1.5 },
    { prompt: "", a: "", b: "" },
    { prompt: null, a: true, b: [1, 2] },
    { prompt: { x: 1 }, a: { b: "nested" }, b: false },
  ];
  // Errors compare by the missing variable's name, or else by handlebars' own message (ours
  // wraps it as the cause), so two different failures can never compare equal.
  const outcome = (f: () => string) => {
    try {
      return { value: f() };
    } catch (error) {
      const e = error as Error;
      const variable = /"([^"]+)" (?:is )?not defined/.exec(e.message)?.[1];
      return variable ? { missing: variable } : { error: ((e.cause as Error | undefined) ?? e).message.split("\n")[0] };
    }
  };
  for (const template of templates) {
    it(`renders ${JSON.stringify(template)} as handlebars does`, () => {
      const ours = compileTemplate(template);
      const theirs = reference.compile(template, { strict: true, noEscape: true });
      for (const context of contexts) expect(outcome(() => ours(context))).toEqual(outcome(() => theirs(context)));
      expect(outcome(() => ours({}))).toEqual(outcome(() => theirs({})));
    });
  }

  it("reports a missing variable by name", () => {
    expect(() => compileTemplate("Q: {{a}} {{b}}")({ a: 1 })).toThrow(MissingVariableError);
    expect(() => compileTemplate("{{{prompt}}}")({})).toThrow(/"prompt" is not defined/);
  });
});
