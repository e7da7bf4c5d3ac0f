// Placeholder so the CLI compiles on the review-queue branch; the review-form branch's serve.ts
// (the real rating server) replaces this file at merge.
import type { Db } from "../store/db.ts";

/** Options of serveReview (the contract the CLI calls). */
export interface ServeReviewOptions {
  db: Db;
  host: string;
  port: number;
  queues: string[];
  out: (text: string) => void;
  warn: (text: string) => void;
}

/** Not built on this branch. */
export async function serveReview(_options: ServeReviewOptions): Promise<{ url: string; close(): Promise<void> }> {
  throw new Error("review server not built yet (src/review/serve.ts comes from the review-form branch)");
}
