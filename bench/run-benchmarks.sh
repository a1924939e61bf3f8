#!/usr/bin/env bash
# Reproduces docs/benchmarks.md: QuantBench's `bench` and llama.cpp (node-llama-cpp, see bench/README.md) on the
# same weights, interleaved, 2 threads. Usage: [SECTIONS="1b smollm2"] bench/run-benchmarks.sh [MODELS_DIR] [OUT_DIR]
# MODELS_DIR receives the synthetic 1B-shape model (vocab 32000, like the peer figures in the issues) and its GGUF
# copies (about 8 GB in all), and SmolLM2-135M's base written back as Q8_0 / Q4_0 / Q4_1 GGUF by QuantBench's
# writer. SECTIONS picks the parts to run (default both). Raw outputs land in OUT_DIR; no test runs this.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="${1:-$here/target/bench-models}"
out="${2:-$here/target/bench-results}"
qb="$here/quantbench"
shared="${QUANTBENCH_SHARED:-$here/../shared}"
mkdir -p "$models" "$out"
threads=2

sections="${SECTIONS:-1b smollm2}"

run_qb() {  # name, args...
  local name="$1"; shift
  echo "== quantbench $name" | tee -a "$out/log.txt"
  "$qb" bench "$@" --threads $threads --prompt-tokens 128 --gen-tokens 32 --repeats 3 --warmup 1 2>&1 | grep -v WARNING | tee "$out/qb-$name.txt" | tee -a "$out/log.txt"
}
run_llama() {  # name, gguf
  echo "== llama.cpp $1" | tee -a "$out/log.txt"
  node "$here/bench/llamacpp-bench.mjs" "$2" --threads $threads --prompt-tokens 128 --gen-tokens 32 --repeats 3 2>/dev/null \
    | tee "$out/llama-$1.txt" | tee -a "$out/log.txt"
}

# Engine core: FP32 and BF16 weights, then the quantized formats next to their llama.cpp twins.
if [[ " $sections " == *" 1b "* ]]; then
hf="$models/synth-1b-v32k"
[ -f "$hf/config.json" ] || "$qb" synth --shape 2048,8192,16,32,8,32000 --out "$hf"
for t in f32 q8_0 q4_0; do
  [ -f "$models/synth-1b-v32k-$t.gguf" ] || "$qb" convert "$hf" --to gguf --dtype "$t" --out "$models/synth-1b-v32k-$t.gguf"
done
run_qb f32 "$models/synth-1b-v32k-f32.gguf"
run_llama f32 "$models/synth-1b-v32k-f32.gguf"
run_qb bf16 "$hf"
run_qb q8_0 "$models/synth-1b-v32k-q8_0.gguf"
run_llama q8_0 "$models/synth-1b-v32k-q8_0.gguf"
run_qb q4_0 "$models/synth-1b-v32k-q4_0.gguf"
run_llama q4_0 "$models/synth-1b-v32k-q4_0.gguf"
for s in W8A8-INT W4A16-RTN-g32-sym W4A16-RTN-g128-asym W8A16-RTN FP8-weight FP8-dynamic NF4-DQ; do
  run_qb "$s" "$hf" --scheme "$s" --cache "$models/cache"
done
fi

# SmolLM2-135M: the shared Q4_1 file, then its weights (dequantized) written as Q8_0, Q4_0 and Q4_1 by QuantBench's
# GGUF writer, tokenizer included; each file run by both engines.
smol="$shared/models/smollm2-135m-instruct-q4_1/SmolLM2-135M-Instruct.Q4_1.gguf"
if [[ " $sections " == *" smollm2 "* ]] && [ -f "$smol" ]; then
  run_qb smollm2-q4_1 "$smol"
  run_llama smollm2-q4_1 "$smol"
  for t in q8_0 q4_0 q4_1; do
    f="$models/smollm2-135m-$t.gguf"
    [ -f "$f" ] || "$qb" convert "$smol" --to gguf --dtype "$t" --out "$f"
    run_qb "smollm2-export-$t" "$f"
    run_llama "smollm2-export-$t" "$f"
  done
fi
echo "raw results in $out"
