// Where assay's own files are (package.json, prompts/, suites/, models/, the store's
// migrations), found from this module's location, so they resolve the same whether the code
// runs from src/ (tests), dist/ (the library) or the bundled CLI (dist/cli-bundle/).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder holding assay's package.json: the nearest one above this module named "assay". */
const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "assay") return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`assay's package.json was not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
})();

/** A path inside the package: `packagePath("prompts", "strategies")`. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot, ...parts);
}

/**
 * The store's numbered SQL migrations: src/store/migrations in a checkout (the sources the
 * tests run), else the copy the build puts in dist/store/migrations (a published package).
 */
export const migrationsDir: string =
  [packagePath("src", "store", "migrations"), packagePath("dist", "store", "migrations")].find((dir) => existsSync(dir)) ??
  packagePath("dist", "store", "migrations");
