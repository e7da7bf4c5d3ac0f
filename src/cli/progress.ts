// The CLI's reporter: a progress bar on a terminal, plain lines otherwise; both on stderr.
import cliProgress from "cli-progress";
import { countOf } from "../report/plural.ts";
import type { Reporter } from "../run/reporter.ts";
import { terminalSafe } from "../report/table.ts";

/** A reporter that shows warnings and (unless `progress` is false) trials done, rate, ETA and errors. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr, options: { progress?: boolean } = {}): Reporter {
  const warn = (message: string) =>
    stream.write(
      message
        .split("\n")
        .map((line) => `warning: ${terminalSafe(line)}\n`)
        .join(""),
    );
  if (options.progress === false) return { onWarning: warn };
  let bar: cliProgress.SingleBar | undefined;
  let done = 0;
  let errors = 0;
  let total = 0;
  let started = 0;
  let lastLine = 0;
  const rate = () => done / Math.max(0.001, (Date.now() - started) / 1000);
  return {
    onWarning: warn,
    onRunStart(info) {
      total = info.total;
      done = info.alreadyDone;
      started = Date.now();
      stream.write(
        `run ${info.runId}: ${countOf(info.total, "trial")}${info.alreadyDone ? ` (${info.alreadyDone} already done)` : ""} -> ${info.db}\n`,
      );
      if (stream.isTTY) {
        bar = new cliProgress.SingleBar(
          {
            format: `{bar} {value}/{total} ${total === 1 ? "trial" : "trials"} | {rate}/s | ETA {eta_formatted} | errors {errors}`,
            stream,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, { errors: 0, rate: "0" });
      }
    },
    onTrialResult(event) {
      done++;
      if (event.status === "error") errors++;
      if (bar) bar.update(done, { errors, rate: rate().toFixed(1) });
      else if (Date.now() - lastLine > 2000 || done === total) {
        lastLine = Date.now();
        stream.write(`  ${done}/${countOf(total, "trial")}, ${rate().toFixed(1)}/s, ${countOf(errors, "error")}\n`);
      }
    },
    onRunEnd(info) {
      bar?.stop();
      if (info.interrupted) stream.write(`interrupted: resume with: assay run --resume ${info.runId}\n`);
    },
  };
}
