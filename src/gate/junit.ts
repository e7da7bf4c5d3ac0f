// The gate as JUnit XML, the shape CI systems read (Jenkins, GitLab, GitHub test reporters):
// testsuites > testsuite > testcase, one testcase per row, a <failure> per failing row.
import type { GateRow } from "./gate.ts";
import { explain } from "./text.ts";
import { failsGate } from "./verdict.ts";

/**
 * Escape text for an XML attribute or element: the five markup characters, and characters XML
 * 1.0 cannot carry at all (C0 controls other than tab/newline/return, lone surrogates, U+FFFE/F)
 * shown as \\uXXXX, since a CI parser rejects the whole file for one of them.
 */
export function xmlEscape(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the characters XML cannot carry is this expression's job
    /[&<>"']|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ??
      `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * One testcase per row (classname `assay.<task>`, name `model strategy metric`); regressions (and
 * under --strict the undecided rows) carry a <failure>; otherwise undecided rows are <skipped>.
 */
export function gateJunit(rows: GateRow[], options: { tolerance: number; strict: boolean }): string {
  const failures = rows.filter((r) => failsGate(r.verdict, options.strict)).length;
  const skipped = rows.filter(
    (r) => !failsGate(r.verdict, options.strict) && (r.verdict === "underpowered" || r.verdict === "inconclusive"),
  ).length;
  const counts = `tests="${rows.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0"`;
  const cases = rows.map((r) => {
    const open = `    <testcase classname="${xmlEscape(`assay.${r.task}`)}" name="${xmlEscape(`${r.model} ${r.strategy} ${r.metric}`)}" time="0"`;
    const message = xmlEscape(explain(r, options.tolerance));
    if (failsGate(r.verdict, options.strict))
      return `${open}>\n      <failure message="${message}" type="${r.verdict}">${message}</failure>\n    </testcase>`;
    if (r.verdict === "underpowered" || r.verdict === "inconclusive")
      return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
    return `${open}/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="assay gate" ${counts}>`,
    `  <testsuite name="assay gate" ${counts}>`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
