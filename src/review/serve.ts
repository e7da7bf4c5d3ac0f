// `assay review serve`: open the store, check the queue names, listen, print the address,
// and close cleanly on SIGINT/SIGTERM.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { didYouMean, UserError } from "../errors.ts";
import { type Db, openStore, storePath } from "../store/db.ts";
import { collectIfGrown } from "../memory.ts";
import { listQueues } from "../score/human/queue.ts";
import { acceptedHosts, isLoopback } from "./hosts.ts";
import { createReviewApp } from "./server.ts";

/** Options of serveReview (what `assay review serve` passes). */
export interface ServeReviewOptions {
  /** The store's path (opened read-write here and closed by close()), or a store the caller opened and closes. */
  db: string | Db;
  host: string;
  port: number;
  /** Queue names to serve; empty = every queue in the store. */
  queues: string[];
  out(line: string): void;
  warn(line: string): void;
}

/**
 * Serve the rating form until `close()` or SIGINT/SIGTERM. Refuses unknown queue names and a
 * store without queues (UserError). Port 0 picks a free port; `url` is the real address.
 * @example const { url, close } = await serveReview({ db: ".assay/assay.db", host: "127.0.0.1", port: 8650, queues: [], out: console.log, warn: console.error });
 */
export async function serveReview(options: ServeReviewOptions): Promise<{ url: string; close(): Promise<void> }> {
  const owned = typeof options.db === "string";
  const db = typeof options.db === "string" ? openStore(options.db) : options.db;
  // A rating is a person's minutes: each commit is synced to disk before the answer (FULL),
  // so it survives a power cut too, not only a killed process (WAL's NORMAL). About 0.5 ms a
  // commit on these machines; runs keep NORMAL.
  db.pragma("synchronous = FULL");
  const shownPath = typeof options.db === "string" ? options.db : storePath(db);
  const server = createServer();
  try {
    const known = listQueues(db).map((q) => q.name);
    const unknown = options.queues.filter((name) => !known.includes(name));
    if (unknown.length)
      throw new UserError(unknown.map((name) => `no review queue "${name}" in ${shownPath}${didYouMean(name, known)}`).join("\n"), {
        code: "E_QUEUE",
      });
    if (known.length === 0) throw new UserError(`${shownPath} has no review queues: make one with \`assay review create NAME --run RUN\``);
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          error.code === "EADDRINUSE" || error.code === "EACCES" || error.code === "EADDRNOTAVAIL"
            ? new UserError(`cannot listen on ${options.host}:${options.port}: ${error.code}`, { code: "E_LISTEN" })
            : error,
        ),
      );
      server.listen(options.port, options.host, resolve);
    });
  } catch (error) {
    if (owned) db.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const queues = options.queues.length ? options.queues : listQueues(db).map((q) => q.name);
  const app = createReviewApp(db, { queues, hosts: acceptedHosts(options.host, address.port), warn: options.warn });
  const listener = getRequestListener(app.fetch);
  let requests = 0;
  server.on("request", (req, res) => {
    // Each request leaves garbage V8 would let pile up (RSS 115 -> 245 MB over 40,000 requests in
    // bench/review.ts, live heap flat at 19 MB): a full collection when it grew 48 MB, if the host exposes gc.
    if (++requests % 256 === 0) collectIfGrown();
    return listener(req, res);
  });
  // Handlers first: whoever reads the address may signal at once.
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      process.off("SIGINT", close);
      process.off("SIGTERM", close);
      server.close(() => {
        if (owned) db.close();
        resolve();
      });
      server.closeAllConnections();
    }));
  process.once("SIGINT", close);
  process.once("SIGTERM", close);
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${shown}:${address.port}/`;
  options.out(`assay review: serving ${queues.length} queue${queues.length === 1 ? "" : "s"} at ${url}`);
  if (!isLoopback(options.host))
    options.warn(
      `assay review: warning: bound to ${options.host}, the form is reachable from the network; share sign-in links only over channels you trust`,
    );

  return { url, close };
}
