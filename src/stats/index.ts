// The statistics layer's public surface: pure, seeded numerics for intervals, reducers, paired
// comparisons, agreement and rankings. Import from here rather than from the individual files.
export * from "./intervals.ts";
export * from "./random.ts";
export * from "./bootstrap.ts";
export * from "./cluster.ts";
export * from "./reducers.ts";
export * from "./paired.ts";
export * from "./agreement.ts";
export * from "./bradley-terry.ts";
export * from "./cross-table.ts";
