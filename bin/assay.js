#!/usr/bin/env node
// The assay command: runs the CLI bundled in dist/cli-bundle/ (built from src/ by
// `npm run build`, which `npm ci` runs through the prepare script).
try {
  await import("../dist/cli-bundle/bin.js");
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli-bundle/bin.js")) {
    process.stderr.write("assay: the compiled CLI is missing (dist/); run `npm run build` (npm ci does it)\n");
    process.exit(2);
  }
  throw error;
}
