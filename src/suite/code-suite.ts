// Loads a `.suite.ts` file (tasks declared with defineTask) through tsx's scoped importer,
// so it works in any folder (with or without a package.json of "type": "module") and
// whether assay itself runs from TypeScript sources or compiled JavaScript.
import { pathToFileURL } from "node:url";
import { selectableNames, shownPath } from "./load.ts";
import { SuiteFileError } from "./problems.ts";
import type { TaskDeclaration } from "./types.ts";

/**
 * Import a code suite and return its default export's task declarations. A syntax error
 * (with its line), an error thrown while it loads (defineTask's problems among them), a
 * module it cannot find and a default export that is not defineTask(...) are a
 * SuiteFileError naming the file.
 */
export async function loadCodeSuite(file: string, cwd: string): Promise<TaskDeclaration[]> {
  const shown = shownPath(file, cwd);
  // Loaded only when a code suite exists: the API starts esbuild's service.
  const { tsImport } = await import("tsx/esm/api");
  let module: { default?: unknown };
  try {
    module = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
  } catch (error) {
    throw new SuiteFileError(loadProblems(error, file, shown), shown, selectableNames(file));
  }
  let value = module.default;
  // Outside an ES-module package tsx compiles the file to CommonJS: module.exports holds `default`.
  if (!isTaskList(value) && value && typeof value === "object" && "default" in value) value = (value as { default: unknown }).default;
  const list = Array.isArray(value) ? value : [value];
  if (!isTaskList(list)) {
    throw new SuiteFileError(
      [`${shown}: a .suite.ts file must default-export defineTask(...) or an array of them`],
      shown,
      selectableNames(file),
    );
  }
  return list as TaskDeclaration[];
}

function isTaskList(value: unknown): boolean {
  const list = Array.isArray(value) ? value : [value];
  return list.length > 0 && list.every((t) => t && typeof t === "object" && "suite" in t && "strategies" in t);
}

/** The error a code suite raised while loading, as problems located in the file. */
function loadProblems(error: unknown, file: string, shown: string): string[] {
  const e = error as Error & { problems?: unknown; code?: string; errors?: { text: string; location?: { line: number } | null }[] };
  // esbuild's TransformError lists each syntax error with its line (as `errors`, or only in
  // its message once it has crossed from tsx's loader thread).
  const syntax =
    Array.isArray(e?.errors) && e.errors.length
      ? e.errors.map((x) => ({ line: x.location?.line, text: x.text }))
      : [...String(e?.message ?? "").matchAll(/^.*?:(\d+):\d+: ERROR: (.*)$/gm)].map((m) => ({ line: Number(m[1]), text: m[2] }));
  if (syntax.length) {
    const more = syntax.length > 1 ? ` (and ${syntax.length - 1} more)` : "";
    return [`${syntax[0].line ? `${shown}:${syntax[0].line}` : shown}: syntax error: ${syntax[0].text}${more}`];
  }
  // defineTask's own ValidationError: the suite imported its own copy of assay, so the class differs.
  if (e?.name === "ValidationError" && Array.isArray(e.problems)) {
    return (e.problems as string[]).map((problem) => `${shown}: ${problem}`);
  }
  if (e?.name === "UserError" || e?.name === "OptionsError") return [`${shown}: ${e.message}`];
  if (e?.code === "MODULE_NOT_FOUND" || e?.code === "ERR_MODULE_NOT_FOUND") {
    const name = /Cannot find (?:module|package) '([^']+)'/.exec(e.message)?.[1];
    const hint =
      name === "assay"
        ? '; install assay in this project (npm install --save-dev assay) so that `import { defineTask } from "assay"` resolves'
        : "";
    return [`${shown}: ${e.message.split("\n")[0]}${hint}`];
  }
  const line = lineInStack(e?.stack, file);
  const message = e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(error);
  return [`${line ? `${shown}:${line}` : shown}: error while loading: ${message}`];
}

/** The line of the first stack frame in `file`, when the stack names the file itself. */
function lineInStack(stack: string | undefined, file: string): number | undefined {
  for (const frame of stack?.split("\n") ?? []) {
    const at = frame.lastIndexOf(file);
    if (at === -1) continue;
    const match = /^(?:\?[^:]*)?:(\d+):\d+\)?$/.exec(frame.slice(at + file.length));
    if (match) return Number(match[1]);
  }
  return undefined;
}
