// The public API: what `import ... from "assay"` gives. The CLI calls these same functions.

export { runEval, loadSelectedTasks, type RunOptions, type RunResult, type ProviderUsage } from "./run/run-eval.ts";
export type { Reporter, RunStartInfo, TrialEvent } from "./run/reporter.ts";
export { defineTask, type DefineTaskOptions } from "./suite/define-task.ts";
export { loadRegistry, Registry, bundledSuitesDir, type BrokenSuiteFile, type Selection } from "./suite/registry.ts";
export { loadSuiteFile } from "./suite/load.ts";
export { prepareTask, prepareTasks, type PrepareOptions } from "./suite/prepare.ts";
export { listTasks, type TaskListing } from "./suite/list-tasks.ts";
export type { TaskDeclaration, LoadedTask, Item, StrategySpec, ScorerSpec, GenerationSettings } from "./suite/types.ts";
export { strategies } from "./strategy/index.ts";
export type { Strategy, RenderContext } from "./strategy/types.ts";
export { createProvider, type CreateProviderOptions } from "./provider/create.ts";
export { loadConfig, parseConfig, type AssayConfig, type ModelConfig } from "./provider/config.ts";
export type { Provider, Prompt, GenerateParams, Generation, CallContext, ProviderFactory, ProviderOptions } from "./provider/types.ts";
export { isReplayProvider, type ReplayProvider } from "./provider/replay.ts";
export { scorerFactories } from "./score/scorers.ts";
export type { Scorer, ScorerFactory, ScoreInput, ScoreResult } from "./score/types.ts";
export { corpusBleu, sentenceBleu, bleuSignature, formatBleu } from "./score/metrics/bleu.ts";
export { corpusChrf, sentenceChrf, chrfSignature } from "./score/metrics/chrf.ts";
export { rouge } from "./score/metrics/rouge.ts";
export { porterStem } from "./score/metrics/porter-stemmer.ts";
export { normalizeAnswer, squadExactMatch, squadF1 } from "./score/metrics/squad.ts";
export { levenshtein, editSimilarity } from "./score/metrics/edit-distance.ts";
export { extractChoice, accFromLoglikelihoods, accNormFromLoglikelihoods } from "./score/metrics/choice.ts";
export { perplexity, weightedPerplexity, bitsPerByte } from "./score/metrics/perplexity.ts";
export { isValidJson, compileSchema } from "./score/metrics/json.ts";
export { metricCommand, type MetricOptions, type MetricReport } from "./score/metrics/corpus-report.ts";
export * as stats from "./stats/index.ts";
// The store and what the read-only commands do, each a library function: `assay runs`
// (runsOverview), `assay show` (showRun, showItems), `assay export` (exportRun), `assay
// compare` (compareRuns), `assay init` (initProject).
export { openStore, type Db, type OpenStoreOptions } from "./store/db.ts";
export { storeError } from "./store/store-error.ts";
export { getRun, listRuns, recordedCommand, type RunRow, type RecordedCommand } from "./store/runs.ts";
export { runLiveness, type RunLiveness, type RunState } from "./store/run-owner.ts";
export type { TrialRow, TrialFilter } from "./store/trial-rows.ts";
export { runSummary, type SummaryResult } from "./report/summary.ts";
export { summaryTable } from "./report/table.ts";
export { runsOverview, runsTable, type RunOverview } from "./report/runs-overview.ts";
export { showRun, type RunReport } from "./report/show-run.ts";
export { showItems, itemsText, type ShowItemsOptions, type ItemsView } from "./report/items-view.ts";
export { exportRun, type ExportFormat, type ExportRecord } from "./report/export.ts";
export { compareRuns, type CompareSide, type ComparisonRow } from "./report/compare.ts";
export { scorerFromStored } from "./report/stored-scorer.ts";
export {
  calibrate,
  nearestPoint,
  type CalibrationUnit,
  type HumanRating,
  type CalibrateOptions,
  type Calibration,
  type AgreementFigures,
} from "./score/autorater/calibrate.ts";
export { calibrateRun, type CalibrateRunOptions, type RunCalibration } from "./score/autorater/calibrate-run.ts";
export { initProject, type InitResult } from "./init-project.ts";
export { createQueue, listQueues, queueByName, type CreateQueueOptions } from "./score/human/queue.ts";
export { addRater, listRaters, removeRater, type RaterListing } from "./score/human/raters.ts";
export { nextItem, submitRating, skipItem, undoLast, raterProgress } from "./score/human/assign.ts";
export { queueStatus, type QueueStatus, type StatusOptions } from "./score/human/status.ts";
export { exportRatings, type ExportedRating } from "./score/human/export.ts";
export type { QueueInfo, ReviewRubric, ShownItem, RatingInput, SubmitOutcome } from "./score/human/types.ts";
export { serveReview, type ServeReviewOptions } from "./review/serve.ts";
export { humanReport, type HumanReport } from "./report/human-summary.ts";
export { UserError, ValidationError, ProviderError } from "./errors.ts";
export { quantizeGguf, QUANT_TYPES, type QuantizeOptions, type QuantizeResult, type QuantType } from "./quantize/quantize.ts";
export { inferenceVariants, showsVariants, type InferenceVariants, type VariantRow } from "./report/variants.ts";
