// A task's templates checked for syntax when the suite is loaded, each error whole and at
// the template's own line (the YAML field, or the prompt_file's line).
import { templateSyntaxError } from "../template/env.ts";
import type { TemplateSource } from "./types.ts";

/**
 * The syntax error of `template` as one located problem, or null when it compiles.
 * @example templateProblem("{{a}", { file: "suites/x.yaml", field: "tasks[0].prompt", line: 9 })
 * // 'suites/x.yaml:9 tasks[0].prompt: template syntax error on template line 1:\n  {{a}\n  ---^\n  Expecting ...'
 */
export function templateProblem(template: string, source: TemplateSource): string | null {
  const error = templateSyntaxError(template);
  if (!error) return null;
  const field = source.field ? ` ${source.field}` : "";
  // An error at the end of a template ending in a newline is on the line after its text.
  const line = error.line === undefined ? undefined : Math.min(error.line, template.replace(/\n$/, "").split("\n").length);
  let where: string;
  let what = "template syntax error";
  if (line !== undefined && source.firstLine !== undefined) where = `${source.file}:${source.firstLine + line - 1}${field}`;
  else {
    where = `${source.file}${source.line !== undefined ? `:${source.line}` : ""}${field}`;
    if (line !== undefined) what += ` on template line ${line}`;
  }
  const lines = error.message.split("\n");
  // handlebars' excerpt and caret only line up when they start a line of their own.
  const text = lines.length > 1 ? `\n${lines.map((l) => `  ${l}`).join("\n")}` : ` ${lines[0]}`;
  return `${where}: ${what}:${text}`;
}
