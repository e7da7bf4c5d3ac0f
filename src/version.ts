// The assay version, read from package.json once.
import { readFileSync } from "node:fs";
import { packagePath } from "./package-paths.ts";

/** This assay's version (recorded in every run). */
export const assayVersion: string = (JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as { version: string }).version;
