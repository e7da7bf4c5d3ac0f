// The line of a YAML document a field path points at, for file:line messages.
import { type Document, isMap, isPair, isScalar, type LineCounter } from "yaml";

/** The line of the deepest node of `path` that exists in `doc` (a key's line when its value is missing). */
export function lineOf(doc: Document, lineCounter: LineCounter, path: (string | number)[]): number | string {
  // Walk down as far as the path exists; report the deepest node found (a key if the value is missing).
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (depth > 0 && node === undefined) {
      const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === path[depth - 1]);
        const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
        if (range) return lineCounter.linePos(range[0]).line;
      }
      continue;
    }
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return "?";
}
