// Start-up of the CLI as shipped (bin/assay.js running the bundled dist/; run `npm run build`
// first): `assay --version`, `assay runs` on a small store and `assay list` on a one-task
// suite, against bare `node -e 0` measured in the same minute. Each command runs 15 times,
// interleaved; medians in ms.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const bin = join(import.meta.dirname, "..", "bin", "assay.js");
const dir = mkdtempSync(join(tmpdir(), "assay-startup-"));
mkdirSync(join(dir, "suites"));
writeFileSync(
  join(dir, "suites", "s.yaml"),
  'suite: s\ntasks:\n  - id: t\n    items: [{ q: a, a: b }]\n    prompt: "{{q}}"\n    target: "{{a}}"\n    scorers: [exact-match]\n',
);
execFileSync(process.execPath, [bin, "run", "--model", "echo"], { cwd: dir, stdio: "ignore" });
const commands: Record<string, string[]> = {
  "node -e 0": ["-e", "0"],
  "assay --version": [bin, "--version"],
  "assay runs": [bin, "runs"],
  "assay list": [bin, "list"],
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let r = 0; r < 15; r++) {
  for (const [name, args] of Object.entries(commands)) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: dir, stdio: "ignore" });
    if (result.status !== 0) throw new Error(`${name} exited ${result.status}`);
    times[name].push(performance.now() - started);
  }
}
rmSync(dir, { recursive: true, force: true });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, xs] of Object.entries(times))
  console.log(
    `${name.padEnd(16)} ${median(xs).toFixed(0).padStart(4)} ms  (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`,
  );
