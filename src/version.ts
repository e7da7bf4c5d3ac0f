// The assay version, read from package.json once.
import { readFileSync } from "node:fs";

/** This assay's version (recorded in every run). */
export const assayVersion: string = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
