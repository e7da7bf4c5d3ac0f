#!/usr/bin/env bash
# Regenerates the demo suites' data and the demo model from the fixed seed:
#   npm run train:demo        (about 40 minutes on 2 quiet cores; see scripts/demo/README.md)
#   npm run train:student     (step 5 only: the 2-layer student from the shipped models/demo.gguf)
# Installs nothing. Needs Debian's python3 with python3-torch and libopenblas0-pthread.
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=/usr/bin/python3
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-2}"
missing=()
[ -x "$PYTHON" ] || missing+=(python3)
"$PYTHON" -c "import torch, numpy" 2>/dev/null || missing+=(python3-torch)
ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 >/dev/null 2>&1 || missing+=(libopenblas0-pthread)
if [ ${#missing[@]} -gt 0 ]; then
  echo "train:demo needs these Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install python3-torch libopenblas0-pthread" >&2
  echo "(without libopenblas0-pthread, torch falls back to the reference BLAS and training is many times slower)" >&2
  exit 1
fi

OUT=scripts/demo/out
mkdir -p "$OUT" models
STUDENT_ONLY=0
if [ "${1:-}" = "--student-only" ]; then
  STUDENT_ONLY=1
  shift
fi

distil() {
  echo "== 5/5 distil the 2-layer student from models/demo.gguf (log: $OUT/distill.log)"
  # Extra arguments (--student-only) or DISTILL_ARGS go to distill.py, e.g. --stop-after 50.
  # shellcheck disable=SC2086
  ( cd scripts/demo && "$PYTHON" distill.py --teacher ../../models/demo.gguf --corpus out/corpus.jsonl \
      --probe out/probe.jsonl --out out/student.pt --layers 0,5 --steps 1600 ${DISTILL_ARGS:-} "$@" ) | tee "$OUT/distill.log"
  ( cd scripts/demo && "$PYTHON" export_gguf.py --checkpoint out/student.pt --out ../../models/demo-student.gguf --name assay-demo-student )
  ( cd scripts/demo && "$PYTHON" reference.py --checkpoint out/student.pt --out out/student-reference.json )
  ( cd scripts/demo && "$PYTHON" distill.py --teacher ../../models/demo.gguf --probe out/probe.jsonl \
      --measure out/student.pt --json out/agreement.json ) | tee "$OUT/agreement.log"
  npx tsx scripts/demo/evaluate.ts --model models/demo-student.gguf --reference "$OUT/student-reference.json" \
    --speed models/demo.gguf,models/demo-student.gguf
}

if [ "$STUDENT_ONLY" = 1 ]; then
  # The student alone, from the shipped teacher; the corpus is deterministic, so regenerate it
  # when missing (generate.ts also rewrites suites/demo/data, byte-identical).
  [ -s "$OUT/corpus.jsonl" ] && [ -s "$OUT/probe.jsonl" ] || npx tsx scripts/demo/generate.ts --out "$OUT"
  distil "$@"
  exit 0
fi

# Stage 2 of the demo model: it starts from the 0.1.0 demo model (trained from scratch by this
# script at commit bfdf9b3 in 54 min; read here from git history by its blob, checked by its
# SHA-256) and learns the judge format. See models/README.md.
BASE_BLOB=b01dc28948bcba6e0a7f46d141d7d8405535bbd0
BASE_SHA256=26b14fe1b32130cc3c326057a18bd0043d7675f10ab90ebd949ec39c1ed3e4f4
if ! git cat-file blob "$BASE_BLOB" > "$OUT/base.gguf" 2>/dev/null || ! echo "$BASE_SHA256  $OUT/base.gguf" | sha256sum -c --quiet 2>/dev/null; then
  echo "train:demo starts from the 0.1.0 demo model (git blob $BASE_BLOB, models/demo.gguf at commit bfdf9b3)," >&2
  echo "which this clone lacks; fetch the history (git fetch --unshallow) and retry" >&2
  exit 1
fi
echo "== 1/5 data: suites/demo/data/*.jsonl and $OUT/corpus.jsonl"
npx tsx scripts/demo/generate.ts --out "$OUT"
echo "== 2/5 train (log: $OUT/train.log)"
( cd scripts/demo && "$PYTHON" train.py --corpus out/corpus.jsonl --probe out/probe.jsonl --out out/model.pt \
    --init out/base.gguf --steps 1600 --lr 1e-3 --warmup 50 "$@" ) | tee "$OUT/train.log"
echo "== 3/5 export models/demo.gguf"
( cd scripts/demo && "$PYTHON" export_gguf.py --checkpoint out/model.pt --out ../../models/demo.gguf )
( cd scripts/demo && "$PYTHON" reference.py --checkpoint out/model.pt --out out/reference.json )
echo "== 4/5 check the GGUF against PyTorch and measure it"
npx tsx scripts/demo/evaluate.ts --reference "$OUT/reference.json"
distil
