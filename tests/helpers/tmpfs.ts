// Small tmpfs mounts for tests of read-only file systems and full disks (needs root, as on
// the project's machines; where mounting is not permitted, `canMount` is false).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function sh(...args: string[]): { ok: boolean; stderr: string } {
  const r = spawnSync(args[0], args.slice(1), { encoding: "utf8" });
  return { ok: r.status === 0, stderr: r.stderr ?? "" };
}

/** Whether this process may mount a tmpfs (probed once by mounting and unmounting one). */
export const canMount: boolean = (() => {
  if (process.platform !== "linux") return false;
  const dir = mkdtempSync(join(tmpdir(), "assay-probe-"));
  const ok = sh("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).ok;
  if (ok) sh("umount", dir);
  rmdirSync(dir);
  return ok;
})();

/** A mounted tmpfs of `size` (e.g. "256k"); `readOnly()` remounts it read-only, `resize()` grows it; `unmount()` removes it. */
export function tmpfs(size: string): { dir: string; readOnly(): void; resize(size: string): void; unmount(): void } {
  const dir = mkdtempSync(join(tmpdir(), "assay-tmpfs-"));
  const mounted = sh("mount", "-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir);
  if (!mounted.ok) throw new Error(`mount tmpfs on ${dir}: ${mounted.stderr}`);
  return {
    dir,
    readOnly() {
      const r = sh("mount", "-o", "remount,ro", dir);
      if (!r.ok) throw new Error(`remount ro ${dir}: ${r.stderr}`);
    },
    resize(newSize: string) {
      const r = sh("mount", "-o", `remount,size=${newSize}`, dir);
      if (!r.ok) throw new Error(`remount size=${newSize} ${dir}: ${r.stderr}`);
    },
    unmount() {
      // Lazily when still busy (a test that failed with the database open).
      if (!sh("umount", dir).ok) sh("umount", "-l", dir);
      rmdirSync(dir);
    },
  };
}
