// The metrics `assay metric` computes over files (a list the CLI can show without loading them).

/** Metrics `assay metric` accepts. */
export const CLI_METRICS = ["bleu", "chrf", "rouge", "exact-match", "f1", "edit-distance"] as const;
export type CliMetric = (typeof CLI_METRICS)[number];
