#!/usr/bin/env python3
"""Python benchmark: zhclean's Python package beside OpenCC's, on the same
documents, in one run.

Documents are the first --mb megabytes of records of the batch benchmark's
dump (bench-data/bench/dump.jsonl, built by scripts/bench_batch.py: seed
pages and real Traditional text with injected spam and chrome). OpenCC
converts them one by one (`opencc.OpenCC('t2s').convert` in a loop);
zhclean runs its whole pipeline with `Cleaner.clean_many` (every core, the
GIL released), and for reference on one thread and one call a document.
Prints the median of --runs runs, MB/s, and the ratios to OpenCC.

Usage: scripts/bench_python.py [--mb 50] [--runs 3]
Needs zhclean (pip install ./python) and opencc==1.4.2 in the interpreter.
"""

import argparse
import json
import os
import statistics
import time

import opencc

import zhclean

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DUMP = os.path.join(ROOT, "bench-data", "bench", "dump.jsonl")


def load(mb):
    texts, size = [], 0
    with open(DUMP, encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            texts.append(text)
            size += len(text.encode("utf-8"))
            if size >= mb * 1e6:
                break
    return texts, size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not os.path.exists(DUMP):
        raise SystemExit(f"{DUMP} is missing: run scripts/bench_batch.py first, which builds it")
    texts, size = load(args.mb)
    converter = opencc.OpenCC("t2s")
    cleaner = zhclean.Cleaner()
    contenders = {
        "opencc convert loop": lambda: [converter.convert(t) for t in texts],
        "zhclean clean_many": lambda: cleaner.clean_many(texts),
        "zhclean clean_many 1 thread": lambda: cleaner.clean_many(texts, threads=1),
        "zhclean clean loop": lambda: [cleaner.clean(t) for t in texts],
    }
    times = {name: [] for name in contenders}
    for _ in range(args.runs):
        for name, run in contenders.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    print(f"{len(texts)} documents, {size / 1e6:.1f} MB; median of {args.runs} runs; {os.cpu_count()} cores")
    print(f"{'':30} {'seconds':>8} {'MB/s':>8} {'vs opencc':>10}")
    base = statistics.median(times["opencc convert loop"])
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"{name:30} {median:8.3f} {size / 1e6 / median:8.1f} {base / median:9.2f}x")
    ratio = base / statistics.median(times["zhclean clean_many"])
    print(f"zhclean whole pipeline (clean_many) vs OpenCC's Python t2s: {ratio:.2f}x")


if __name__ == "__main__":
    main()
