// `npm run build` (run by `npm ci` through prepare): compiles src/ to dist/ with tsc (the
// library, with its .d.ts), copies the files tsc does not emit (the store's SQL migrations),
// then bundles the CLI into dist/cli-bundle/ with esbuild: a command loads a few files
// instead of some two hundred modules, which halves `assay list`'s start-up. Heavy backends
// and native modules stay outside the bundle and load only when a command uses them.
// dist/ is rebuilt whole, so a deleted source leaves no stale module behind.
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
rmSync(join(root, "dist"), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
cpSync(join(root, "src", "store", "migrations"), join(root, "dist", "store", "migrations"), { recursive: true });
await build({
  entryPoints: [join(root, "dist", "cli", "bin.js")],
  outdir: join(root, "dist", "cli-bundle"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  minifyWhitespace: true,
  logLevel: "warning",
  // Native modules, the model backends and tsx (for .suite.ts files) load from node_modules when used.
  external: ["better-sqlite3", "node-llama-cpp", "@google/genai", "openai", "tsx", "cli-progress", "handlebars", "ajv"],
  // CommonJS dependencies inside an ES module bundle need a `require`.
  banner: { js: 'import { createRequire as __assayRequire } from "node:module"; const require = __assayRequire(import.meta.url);' },
});
