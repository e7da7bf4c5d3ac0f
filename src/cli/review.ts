// `assay review ...`: human review. create a queue from a stored run, manage raters, serve the
// rating form, and read progress, agreement and ratings back. Parses flags and prints; the work
// is in score/human/ (and review/ for the server).
import type { Command } from "commander";
import type { Db } from "../store/db.ts";
import type { QueueStatus } from "../score/human/status.ts";
import type { QueueInfo } from "../score/human/types.ts";
import { columns, terminalSafe } from "../report/table.ts";
import type { CliIo } from "./io.ts";
import { intOption } from "./options.ts";

const DB = ".assay/assay.db";

/** Open the store read-write for `fn`, close it after; database trouble becomes a UserError naming the file. */
async function withStore<T>(path: string, fn: (db: Db) => T | Promise<T>): Promise<T> {
  return (await import("./read-store.ts")).withStore(path, fn);
}

/** Add `assay review` and its subcommands. */
export function registerReviewCommand(program: Command, io: CliIo): void {
  const review = program.command("review").description("human review: rating queues over stored outputs, raters, the rating form");

  review
    .command("create <name>")
    .description("make a review queue from a stored run")
    .requiredOption("--run <id>", "run id", intOption("--run"))
    .option("--task <id>", "only this task (suite/task, task id or suite)")
    .option("--model <spec>", "only this model")
    .option("--strategy <label>", "only this strategy")
    .option("--limit <n>", "at most N outputs (pairs)", intOption("--limit"))
    .option("--seed <s>", "orders and samples the queue, randomises pairwise sides", "0")
    .option("--raters-per-item <k>", "ratings wanted per item", intOption("--raters-per-item"), 3)
    .option("--mode <mode>", "pointwise (rate one output) or pairwise (compare two)", "pointwise")
    .option("--rubric <name|file>", "built-in rubric, a judge scorer of the run, or a .yaml/.json file")
    .option("--policy <policy>", "all, random (with --limit), disagreement (judge vs metric), uncertain (judge samples spread)", "all")
    .option("--gold <file>", "gold items with known right ratings (JSONL)")
    .option("--reservation-minutes <m>", "how long an item handed out stays reserved", "10")
    .option("--db <path>", "SQLite database", DB)
    .action(async (name: string, flags: Record<string, string | number | undefined>) => {
      const { createQueue } = await import("../score/human/queue.ts");
      const minutes = Number(flags.reservationMinutes);
      const queue = await withStore(String(flags.db), (db) =>
        createQueue(db, {
          name,
          run: flags.run as number,
          task: flags.task as string | undefined,
          model: flags.model as string | undefined,
          strategy: flags.strategy as string | undefined,
          limit: flags.limit as number | undefined,
          seed: String(flags.seed),
          ratersPerItem: flags.ratersPerItem as number,
          mode: flags.mode as "pointwise",
          rubric: flags.rubric as string | undefined,
          policy: flags.policy as "all",
          gold: flags.gold as string | undefined,
          reservationMinutes: minutes,
        }),
      );
      io.out(queueText(queue) + "\n");
    });

  const raters = review.command("raters").description("the people who rate: add (prints a sign-in token once), list, remove");
  raters
    .command("add <name>")
    .description("add a rater and print their sign-in token (shown once; stored only as a hash)")
    .option("--db <path>", "SQLite database", DB)
    .action(async (name: string, flags: { db: string }) => {
      const { addRater } = await import("../score/human/raters.ts");
      const { token } = await withStore(flags.db, (db) => addRater(db, name));
      io.out(
        [
          `rater ${name} added. Their sign-in token (shown only now; keep it secret):`,
          `  ${token}`,
          `They sign in at the review server's /login?token=${token}`,
          `(e.g. http://127.0.0.1:8650/login?token=${token} with \`assay review serve\`), or paste the token on its sign-in page.`,
        ].join("\n") + "\n",
      );
    });
  raters
    .command("list")
    .description("every rater: added, removed, current ratings")
    .option("--db <path>", "SQLite database", DB)
    .option("--json", "print JSON")
    .action(async (flags: { db: string; json?: boolean }) => {
      const [{ listRaters }, { withReadOnlyStore }] = await Promise.all([import("../score/human/raters.ts"), import("./read-store.ts")]);
      const list = await withReadOnlyStore(flags.db, (db) => listRaters(db));
      if (flags.json) io.out(JSON.stringify(list, null, 2) + "\n");
      else if (list.length === 0) io.out("no raters (add one with `assay review raters add NAME`)\n");
      else
        io.out(
          columns(
            ["rater", "added", "status", "ratings"],
            list.map((r) => [r.name, r.createdAt, r.removed ? "removed" : "active", String(r.ratings)]),
            { rightAligned: [3], width: io.width },
          ) + "\n",
        );
    });
  raters
    .command("remove <name>")
    .description("remove a rater: they can no longer sign in; their ratings stay")
    .option("--db <path>", "SQLite database", DB)
    .action(async (name: string, flags: { db: string }) => {
      const { removeRater } = await import("../score/human/raters.ts");
      await withStore(flags.db, (db) => removeRater(db, name));
      io.out(`rater ${name} removed (their sessions ended; their ratings stay)\n`);
    });

  review
    .command("serve [queues...]")
    .description("serve the rating form (all queues, or those named)")
    .option("--port <n>", "port", intOption("--port"), 8650)
    .option("--host <host>", "address to listen on (a non-loopback host makes the form reachable from the network)", "127.0.0.1")
    .option("--db <path>", "SQLite database", DB)
    .action(async (queues: string[], flags: { port: number; host: string; db: string }) => {
      const [{ openStore }, { serveReview }] = await Promise.all([import("../store/db.ts"), import("../review/serve.ts")]);
      const db = openStore(flags.db);
      let server: { url: string; close(): Promise<void> };
      try {
        server = await serveReview({
          db,
          host: flags.host,
          port: flags.port,
          queues,
          out: (text: string) => io.out(`${text}\n`),
          warn: (text: string) => io.err(`${text}\n`),
        });
      } catch (error) {
        db.close();
        throw error;
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          resolve();
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      await server.close();
      db.close();
    });

  review
    .command("status <name>")
    .description("progress per rater and item, inter-rater agreement, gold accuracy, judge-vs-human agreement")
    .option("--json", "print JSON")
    .option("--seed <n>", "bootstrap seed", "0")
    .option("--resamples <n>", "bootstrap resamples", intOption("--resamples"), 1000)
    .option("--db <path>", "SQLite database", DB)
    .action(async (name: string, flags: { json?: boolean; seed: string; resamples: number; db: string }) => {
      const [{ queueStatus }, { withReadOnlyStore }] = await Promise.all([import("../score/human/status.ts"), import("./read-store.ts")]);
      const seed = /^\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed;
      const status = await withReadOnlyStore(flags.db, (db) => queueStatus(db, name, { seed, resamples: flags.resamples }));
      io.out(flags.json ? JSON.stringify(status, jsonNumbers, 2) + "\n" : statusText(status, io.width) + "\n");
    });

  review
    .command("export <name>")
    .description("one record per current rating (JSONL; --json an array; --csv)")
    .option("--json", "a JSON array")
    .option("--csv", "CSV (RFC 4180; formula-like text defused)")
    .option("--all", "every row, retractions included, with id, kind and supersedes")
    .option("--db <path>", "SQLite database", DB)
    .action(async (name: string, flags: { json?: boolean; csv?: boolean; all?: boolean; db: string }) => {
      const [{ exportRatings }, { withReadOnlyStore }, { csvRecord }, { UserError }] = await Promise.all([
        import("../score/human/export.ts"),
        import("./read-store.ts"),
        import("../report/csv.ts"),
        import("../errors.ts"),
      ]);
      if (flags.json && flags.csv) throw new UserError("give --json or --csv, not both", { code: "E_OPTION" });
      await withReadOnlyStore(flags.db, (db) => {
        const records = exportRatings(db, name, { all: flags.all });
        if (flags.json) {
          io.out(JSON.stringify([...records], null, 2) + "\n");
          return;
        }
        let header: string[] | undefined;
        for (const r of records) {
          if (!flags.csv) {
            io.out(JSON.stringify(r) + "\n");
            continue;
          }
          const flat: Record<string, string | number | boolean | null> = {};
          for (const [k, v] of Object.entries(r)) {
            if (v && typeof v === "object") for (const [k2, v2] of Object.entries(v)) flat[`${k}_${k2}`] = v2 as string | null;
            else flat[k] = v as string | number | boolean | null;
          }
          if (!header) {
            header = Object.keys(flat);
            io.out(csvRecord(header));
          }
          io.out(csvRecord(header.map((h) => flat[h])));
        }
      });
    });
}

/** NaN and infinities (undefined figures) become null in JSON. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value) ? null : value;
}

/** A queue in a few lines: what `review create` prints. */
export function queueText(q: QueueInfo): string {
  const points = q.rubric.points.length
    ? q.rubric.points.map((p) => (p.label === String(p.score) ? p.label : `${p.label} = ${p.score}`)).join(", ")
    : "A, B or tie";
  return [
    `queue ${q.name} (run ${q.run}, ${q.mode}): ${q.items} items${q.gold ? ` + ${q.gold} gold` : ""}, ${q.ratersPerItem} raters per item, ${q.items * q.ratersPerItem} ratings wanted`,
    `rubric ${q.rubric.name}: ${q.rubric.title} (${points})`,
    `reservations last ${q.reservationMs / 60_000} min`,
  ]
    .map(terminalSafe)
    .join("\n");
}

const f = (x: number | null | undefined, digits = 3) => (x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits));
const ci = (i: [number, number] | null | undefined) =>
  i && Number.isFinite(i[0]) && Number.isFinite(i[1]) ? `[${f(i[0])}, ${f(i[1])}]` : "-";

/** `review status` as text. */
export function statusText(s: QueueStatus, width?: number): string {
  const lines = [queueText(s.queue), ""];
  lines.push(
    `items: ${s.items.complete} complete, ${s.items.partial} partial, ${s.items.untouched} untouched of ${s.items.total}; ratings ${s.ratings.done} of ${s.ratings.wanted}`,
    "",
  );
  if (s.raters.length)
    lines.push(
      columns(
        ["rater", "rated", "skipped", "reserved", "median s", "gold", "gold 95% CI"],
        s.raters.map((r) => [
          r.rater,
          String(r.rated),
          String(r.skipped),
          String(r.reserved),
          r.medianMs === null ? "-" : (r.medianMs / 1000).toFixed(1),
          r.gold ? `${r.gold.correct}/${r.gold.n}` : "-",
          r.gold ? ci(r.gold.ci) : "-",
        ]),
        { rightAligned: [1, 2, 3, 4, 5], width },
      ),
      "",
    );
  else lines.push("no ratings yet", "");
  const a = s.agreement.alpha;
  lines.push(
    `Krippendorff's alpha (${s.agreement.level}): ${a ? `${f(a.value)} ${ci(a.ci)} over ${a.n} items` : "- (no item has two ratings)"}`,
  );
  if (s.agreement.kappa.length)
    lines.push(
      "",
      columns(
        ["raters", "kappa", "95% CI", "n"],
        s.agreement.kappa.map((k) => [k.raters.join(" / "), f(k.kappa), ci(k.ci), String(k.n)]),
        { rightAligned: [1, 3], width },
      ),
    );
  if (s.contestants.length) {
    const pairwise = s.queue.mode === "pairwise";
    lines.push(
      "",
      columns(
        pairwise ? ["model", "strategy", "n", "win rate", "W-L-T", "rating", "95% CI"] : ["model", "strategy", "n", "mean rating"],
        s.contestants.map((c) =>
          pairwise
            ? [
                c.model,
                c.strategy,
                String(c.n),
                f(c.winRate),
                `${c.wins}-${c.losses}-${c.ties}`,
                f(c.rating, 0),
                ci(c.ratingCi ?? null).replace(/\.\d+/g, ""),
              ]
            : [c.model, c.strategy, String(c.n), f(c.mean)],
        ),
        { rightAligned: pairwise ? [2, 3, 5] : [2, 3], width },
      ),
    );
  }
  for (const j of s.judges) {
    if ("skipped" in j) lines.push("", terminalSafe(`judge ${j.judge}: not compared: ${j.skipped}`));
    else {
      const c = j.calibration;
      lines.push(
        "",
        terminalSafe(
          `judge ${j.judge} vs humans: ${c.n} pairs on ${c.units} outputs; agreement ${f(c.agreement)} ${ci(c.ci.agreement)}, kappa ${f(c.kappa.unweighted)} ${ci(c.ci.kappa.unweighted)}, alpha ${f(c.alpha)} ${ci(c.ci.alpha)}` +
            (c.human_ceiling ? `; humans vs humans: kappa ${f(c.human_ceiling.kappa.unweighted)}, alpha ${f(c.human_ceiling.alpha)}` : ""),
        ),
      );
    }
  }
  lines.push(
    "",
    `intervals: 95% percentile bootstrap over items, ${s.resamples} resamples, seed ${s.seed}; gold items are left out of agreement`,
  );
  return lines.join("\n");
}
