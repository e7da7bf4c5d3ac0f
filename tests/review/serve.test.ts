// serveReview as the CLI calls it: the address it prints, the queue names it refuses, the
// warning for a network bind, and a clean exit on SIGTERM in a real process.
import { spawn } from "node:child_process";
import { request } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.ts";
import { serveReview } from "../../src/review/serve.ts";
import { createQueue } from "../../src/score/human/queue.ts";
import { openStore } from "../../src/store/db.ts";
import { workspace } from "../helpers/workspace.ts";
import { scriptedModel, storedRun } from "./stored-run.ts";

const dir = workspace();

/** GET `url` with a Host header of our choosing (fetch does not let one set it); resolves with the status. */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on("error", reject);
    req.end();
  });
}

async function storeWithQueues(file: string, names: string[]) {
  const run = await storedRun(dir, file, 2, [scriptedModel("test:alpha", (k) => `out ${k}`)]);
  const db = openStore(run.db);
  for (const name of names) createQueue(db, { name, run: run.runId, ratersPerItem: 1 });
  db.close();
  return run.db;
}

describe("serveReview", () => {
  it("prints the real address (port 0 = a free port), serves every queue by default, answers, and closes", async () => {
    const db = await storeWithQueues("serve.db", ["first", "second"]);
    const out: string[] = [];
    const warn: string[] = [];
    const server = await serveReview({ db, host: "127.0.0.1", port: 0, queues: [], out: (l) => out.push(l), warn: (l) => warn.push(l) });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.url).not.toBe("http://127.0.0.1:0/");
    expect(out).toEqual([`assay review: serving 2 queues at ${server.url}`]);
    expect(warn).toEqual([]);
    expect((await fetch(`${server.url}login`)).status).toBe(200);
    // DNS rebinding: a name other than the loopback names for this port is refused.
    const port = new URL(server.url).port;
    expect(await getWithHost(`${server.url}login`, `rebind.example:${port}`)).toBe(421);
    expect(await getWithHost(`${server.url}login`, `localhost:${port}`)).toBe(200);
    await server.close();
    await expect(fetch(`${server.url}login`)).rejects.toThrow();
    const one = await serveReview({ db, host: "127.0.0.1", port: 0, queues: ["second"], out: (l) => out.push(l), warn: () => {} });
    expect(out[1]).toBe(`assay review: serving 1 queue at ${one.url}`);
    await one.close();
  });

  it("serves a store the caller opened and leaves it open on close (the caller closes it)", async () => {
    const path = await storeWithQueues("caller.db", ["q"]);
    const db = openStore(path);
    expect(db.pragma("synchronous", { simple: true })).toBe(1); // NORMAL, as runs use it
    const server = await serveReview({ db, host: "127.0.0.1", port: 0, queues: ["q"], out: () => {}, warn: () => {} });
    // Ratings are synced before the server answers: they survive a power cut, not only a kill.
    expect(db.pragma("synchronous", { simple: true })).toBe(2); // FULL
    expect((await fetch(`${server.url}login`)).status).toBe(200);
    await server.close();
    expect(db.open).toBe(true);
    db.close();
  });

  it("refuses unknown queue names (with a suggestion) and a store without queues, before listening", async () => {
    const db = await storeWithQueues("refuse.db", ["alpha"]);
    const options = { db, host: "127.0.0.1", port: 0, out: () => {}, warn: () => {} };
    const error = await serveReview({ ...options, queues: ["alpah", "zzz"] }).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`no review queue "alpah" in ${db}; did you mean "alpha"?\nno review queue "zzz" in ${db}`);
    const empty = await storedRun(dir, "empty.db", 1, [scriptedModel("test:alpha", () => "x")]);
    const none = await serveReview({ ...options, db: empty.db, queues: [] }).catch((e) => e);
    expect(none).toBeInstanceOf(UserError);
    expect(none.message).toMatch(/has no review queues/);
  });

  it("warns that a non-loopback bind is reachable from the network, and then answers any Host", async () => {
    const db = await storeWithQueues("network.db", ["q"]);
    const warn: string[] = [];
    const server = await serveReview({ db, host: "0.0.0.0", port: 0, queues: [], out: () => {}, warn: (l) => warn.push(l) });
    try {
      expect(warn).toHaveLength(1);
      expect(warn[0]).toMatch(/bound to 0\.0\.0\.0, the form is reachable from the network/);
      const port = new URL(server.url).port;
      expect(await getWithHost(`http://127.0.0.1:${port}/login`, `reviews.example:${port}`)).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("exits cleanly on SIGTERM", async () => {
    const db = await storeWithQueues("signal.db", ["q"]);
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    const child = spawn(process.execPath, ["--import", tsx, join(import.meta.dirname, "serve-child.ts"), db], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    await new Promise<void>((resolve) =>
      child.stdout!.on("data", (d) => {
        out += d;
        if (out.includes("\n")) resolve();
      }),
    );
    const code = new Promise((resolve) => child.once("exit", (c, signal) => resolve([c, signal])));
    child.kill("SIGTERM");
    expect(await code).toEqual([0, null]);
  });
});
