// The shipped student (models/demo-student.gguf, distilled from models/demo.gguf by
// scripts/demo/distill.py) through assay's `local:` provider: a 2-layer model with the teacher's
// tokenizer and context, giving the greedy answers measured for it (scripts/demo/README.md).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProvider } from "../../src/provider/create.ts";
import { LocalProvider } from "../../src/provider/local.ts";
import type { Provider } from "../../src/provider/types.ts";

const studentPath = join(import.meta.dirname, "../../models/demo-student.gguf");
let student: Provider;
let teacher: Provider;
const local = (p: Provider) => {
  const inner = (p as Provider & { inner?: Provider }).inner ?? p;
  expect(inner).toBeInstanceOf(LocalProvider);
  return inner as LocalProvider;
};

beforeAll(async () => {
  student = await createProvider(`local:${studentPath}`, { cwd: process.cwd() });
  teacher = await createProvider("local:demo", { cwd: process.cwd() });
});
afterAll(async () => {
  await student?.close?.();
  await teacher?.close?.();
});

describe("models/demo-student.gguf", () => {
  it("is a 2-layer llama with the teacher's width, context and vocabulary", () => {
    const s = local(student).model;
    const t = local(teacher).model;
    expect(student.id).toBe(`local:${studentPath}`);
    const sm = s.fileInfo.metadata as unknown as Record<string, Record<string, unknown>>;
    const tm = t.fileInfo.metadata as unknown as Record<string, Record<string, unknown>>;
    expect(sm.general.architecture).toBe("llama");
    expect(sm.llama.block_count).toBe(2);
    expect(tm.llama.block_count).toBe(6);
    for (const key of ["vocab_size", "context_length", "embedding_length", "feed_forward_length", "attention", "rope"])
      expect(sm.llama[key], key).toEqual(tm.llama[key]);
    expect(sm.tokenizer).toEqual(tm.tokenizer);
    expect([s.tokens.bos, s.tokens.eos]).toEqual([256, 257]);
    const text = "Q: What is 357 + 715?\nA: Let's think step by step.";
    expect(s.tokenize(text)).toEqual(t.tokenize(text));
  });

  // Held-out suite items on which the student's greedy output, measured through node-llama-cpp,
  // is exactly the teacher's (8 of 220 tried: 60 strings, 40 translations, 60 sub and 60 add
  // chains of thought); all four are right answers. Elsewhere it mostly is not (README).
  const agreed: [string, string][] = [
    ["Transform: bki ->", " bik"],
    ["Transform: xhkb ->", " bhkx"],
    ["English: the boat eats a queen again\nZorbish:", " riva ka kolu mu rani nom"],
    ["Q: What is 929 - 232?\nA: Let's think step by step.", " 929-232: 9-2=7, 7. 92-23: 12-3=9, 97. 9-2: 9-1-2=6, 697. The answer is 697."],
  ];

  for (const [prompt, expected] of agreed) {
    it(`answers ${JSON.stringify(prompt.slice(0, 40))} as measured, as the teacher does`, async () => {
      const call = { task: "t", item: "1", strategy: "zero-shot", sample: 0 };
      const params = { temperature: 0, maxTokens: 320, stop: ["\n"] };
      expect((await student.generate({ text: prompt }, params, call)).text).toBe(expected);
      expect((await teacher.generate({ text: prompt }, params, call)).text).toBe(expected);
    });
  }
});
