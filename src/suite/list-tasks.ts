// listTasks: what `assay list` shows, as data.
import { prepareTasks } from "./prepare.ts";
import type { TaskDeclaration } from "./types.ts";

export interface TaskListing {
  suite: string;
  task: string;
  items: number;
  strategies: string[];
  scorers: string[];
  tags: string[];
  description?: string;
}

/** Describe tasks (reading their data to count and validate items; every task's problems are reported together). */
export function listTasks(tasks: TaskDeclaration[], cwd = process.cwd()): TaskListing[] {
  return prepareTasks(tasks, cwd).map((task) => {
    return {
      suite: task.suite,
      task: task.id,
      items: task.itemCount,
      strategies: task.strategies.map((s) => s.label),
      scorers: task.scorers.map((s) => s.name),
      tags: task.tags,
      description: task.description,
    };
  });
}
