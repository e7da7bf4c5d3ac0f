// `npm run build` (run by `npm ci` through prepare): compiles src/ to dist/ with tsc and
// copies the files tsc does not emit (the store's SQL migrations). dist/ is rebuilt whole,
// so a deleted source leaves no stale module behind.
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
rmSync(join(root, "dist"), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
cpSync(join(root, "src", "store", "migrations"), join(root, "dist", "store", "migrations"), { recursive: true, filter: (f) => !f.endsWith(".ts") });
