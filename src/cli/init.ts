// `assay init [DIR]`: writes a starter suite and config, then says what to run next.
import type { Command } from "commander";
import { relative } from "node:path";
import type { CliIo } from "./io.ts";

/** Add `assay init [dir]`. */
export function registerInitCommand(program: Command, io: CliIo): void {
  program
    .command("init")
    .description("write a starter suite (suites/starter.yaml and its data) and an assay.config.yaml of examples; never overwrites")
    .argument("[dir]", "folder to write into", ".")
    .action(async (dir: string) => {
      const { initProject } = await import("../init-project.ts");
      const result = initProject(dir);
      const shown = (path: string) => relative(process.cwd(), path) || path;
      io.out(`wrote:\n${result.written.map((p) => `  ${shown(p)}\n`).join("")}next:\n${result.next.map((c) => `  ${c}\n`).join("")}`);
    });
}
