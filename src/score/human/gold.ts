// Gold items: outputs whose right rating is known, mixed into a queue to check that raters pay
// attention. Read from JSONL: a line points at a run output or carries its own content.
import type { SourceTrial } from "../../store/review-queue.ts";
import type { ReviewRubric } from "./types.ts";
import type { NewReviewItem } from "../../store/review-queue.ts";

/** A gold item before it gets a position. */
export type GoldItem = Omit<NewReviewItem, "position" | "gold" | "needed">;

/** What gold lines are resolved against. */
export interface GoldContext {
  cwd: string;
  pairwise: boolean;
  rubric: ReviewRubric;
  tasks: { id: number; task: string; definition: string }[];
  trials: SourceTrial[];
  render: (taskId: number, fields: string) => string;
}

/** The gold items of a JSONL file and the file's sha256. */
export function readGold(_path: string, _context: GoldContext): { items: GoldItem[]; sha256: string | null } {
  throw new Error("gold files are not read yet");
}
