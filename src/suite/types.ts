// The shapes a suite becomes once loaded and validated.

/** Decoding settings as written in suites (snake_case, all optional; merged task <- strategy <- model). */
export interface GenerationSettings {
  temperature?: number;
  top_k?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string[];
  seed?: number;
}

export type StrategyKind = "zero-shot" | "few-shot" | "chain-of-thought" | "self-consistency" | "best-of-n";

/** One strategy of a task, with its options. `label` is unique within the task and names it in reports. */
export interface StrategySpec {
  label: string;
  kind: StrategyKind;
  /** few-shot: k, sampler, rationale; chain-of-thought / self-consistency: pattern, samples. */
  options: Record<string, unknown>;
  generation: GenerationSettings;
}

/** How to rebuild a scorer: its registry name and arguments; `label` renames it in reports. */
export interface ScorerSpec {
  name: string;
  args: Record<string, unknown>;
  label?: string;
}

/** A task's pairwise judge: its options (as a judge's, rubric resolved), both orders or one, and its metric name. */
export interface PairwiseSpec {
  label: string;
  swap: boolean;
  judge: Record<string, unknown>;
}

/** One dataset row. `key` is its `id` field or its 1-based line number; stable across runs. */
export interface Item {
  key: string;
  fields: Record<string, unknown>;
  /** `file:line` (or `file items[3]`) for error messages. */
  location: string;
  cluster?: string;
}

/** A task as declared (YAML or defineTask), before its data is read. */
export interface TaskDeclaration {
  suite: string;
  id: string;
  description?: string;
  /** Handlebars template over an item's fields. */
  prompt: string;
  system?: string;
  /** Handlebars template rendering the expected answer. */
  target?: string;
  /** Name of an item field holding an array of acceptable references. */
  references?: string;
  /**
   * Multiple choice by log-likelihood: the item field holding the options, or one list for
   * every item. The model's pick is the option whose continuation (" " + option) is most likely.
   */
  choices?: string | string[];
  /** `loglikelihood`: the rendered target is scored as a continuation of the prompt (no generation). */
  outputType?: "generate" | "loglikelihood";
  /** Dataset file (absolute path) or inline items. */
  dataset?: string;
  items?: Record<string, unknown>[];
  exemplars?: string;
  exemplarItems?: Record<string, unknown>[];
  strategies: StrategySpec[];
  scorers: ScorerSpec[];
  /** A pairwise judge of every two contestants (model x strategy) on each item. */
  pairwise?: PairwiseSpec;
  tags: string[];
  generation: GenerationSettings;
  /** Independent samples per item (trials with sample 0..repeats-1). */
  repeats: number;
  /** Also report pass@k for these k over an item's repeats (binary scorers). */
  passAt?: number[];
  /** Item field whose value groups items into clusters (clustered standard errors). */
  clusterField?: string;
  /** Where the task was declared, for error messages: `suites/x.yaml:12`. */
  location: string;
  /** The suite file (absolute), when the task came from one. */
  file?: string;
  suiteVersion: string;
  suiteDescription?: string;
  /** From an `explicit` suite: runs only when a selector names it. */
  explicit?: boolean;
  /** Where the prompt and target templates were written, so their errors point at their own lines. */
  sources?: {
    prompt?: TemplateSource;
    target?: TemplateSource /** `file:line path` of each strategy entry, in order. */;
    strategies?: string[];
  };
}

/**
 * Where a template was written. Its syntax errors are reported at `file:line field` with
 * line `firstLine + n - 1` for template line n when `firstLine` is known (a prompt_file, a
 * YAML block scalar), else at `file:line field (template line n)`.
 */
export interface TemplateSource {
  /** `suites/x.yaml`, `suites/prompts/qa.hbs`, or `defineTask(id)` for code. */
  file: string;
  /** The field, `tasks[0].prompt` (none for a prompt_file). */
  field?: string;
  /** The line of the field in `file`. */
  line?: number;
  /** The line in `file` of the template's first line, when lines map one to one. */
  firstLine?: number;
}

/** A task with its data validated (every template, scorer and strategy checked). */
export interface LoadedTask extends TaskDeclaration {
  /** How many items run (after a limit). */
  itemCount: number;
  /** sha256 over the items that run (key and fields, in order): part of the task's definition hash. */
  itemsSha256: string;
  /**
   * The items that run, in order, read again on each call: a dataset file is streamed, and
   * refused if it changed since it was validated.
   */
  readItems(): Iterable<Item>;
  /** The few-shot pool (held in memory). */
  loadedExemplars: Item[];
}
