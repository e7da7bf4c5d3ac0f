// One fixed fast-check seed for the property suite, so CI runs the same cases every time.
import fc from "fast-check";

export const PROPERTY_SEED = 20240917;
fc.configureGlobal({ seed: PROPERTY_SEED, numRuns: 200 });
