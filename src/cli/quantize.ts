// `assay quantize IN.gguf --type q8_0|q4_0 --out OUT.gguf`: parses flags, calls quantizeGguf,
// prints what was quantized and kept and the sizes.
import type { Command } from "commander";
import { UserError } from "../errors.ts";
import type { CliIo } from "./io.ts";

const VALID_TYPES = ["q8_0", "q4_0"] as const;

/** Add `assay quantize`. */
export function registerQuantizeCommand(program: Command, io: CliIo): void {
  program
    .command("quantize")
    .description("write a Q8_0 or Q4_0 copy of an F32/F16 GGUF model (every matrix, like llama-quantize --pure)")
    .argument("<model>", "the GGUF file to quantize (F32 or F16 tensors)")
    .requiredOption("--type <type>", `target type: ${VALID_TYPES.join(" or ")}`)
    .requiredOption("--out <path>", "the GGUF file to write (replaced if it exists; never the input)")
    .option("--json", "print JSON")
    .action(async (input: string, flags: { type: string; out: string; json?: boolean }) => {
      const type = flags.type.toLowerCase();
      if (!(VALID_TYPES as readonly string[]).includes(type))
        throw new UserError(`--type ${flags.type} is not a quantization type; valid: ${VALID_TYPES.join(", ")}`, { code: "E_QUANT_TYPE" });
      const { quantizeGguf } = await import("../quantize/quantize.ts");
      const result = quantizeGguf({ input, output: flags.out, type: type as (typeof VALID_TYPES)[number] });
      if (flags.json) {
        io.out(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const name = type.toUpperCase();
      const oneD = result.kept.filter((k) => k.reason === "1-D").length;
      const odd = result.kept.filter((k) => k.reason !== "1-D");
      const lines = [
        `quantized ${result.quantized.length} tensors to ${name}; kept ${result.kept.length} as they were (${oneD} 1-D${odd.length ? `, ${odd.length} with rows not a multiple of 32` : ""})`,
        ...odd.map((k) => `  kept ${k.name} (${k.type}): row length not a multiple of 32`),
        `${input}: ${result.bytesIn.toLocaleString("en-US")} bytes -> ${flags.out}: ${result.bytesOut.toLocaleString("en-US")} bytes (${((100 * result.bytesOut) / result.bytesIn).toFixed(1)}%)`,
      ];
      io.out(`${lines.join("\n")}\n`);
    });
}
