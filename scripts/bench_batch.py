#!/usr/bin/env python3
"""Batch benchmark: the whole pipeline on a generated JSON Lines dump, on one
core and on two, beside OpenCC's own binary converting the same text (t2s)
on one core, in one run.

The dump (bench-data/bench/dump.jsonl, at least --mb megabytes, 200 by
default) is built from the seed page and the registry corpus
(scripts/build_corpus.py): a quarter of the records are the seed page
itself (pinyin annotations, a spam line, page chrome), the rest pages of
real Traditional text (Tang poetry, classics, HKCanCor, People's Daily made
Traditional) with an injected spam line from the labelled spam corpus on
half of them and comment-box chrome at the end. dump.txt holds the same
texts, one after another, for OpenCC.

Prints the median wall time of --runs runs of each (interleaved), MB/s,
the ratios the batch issue asks about (one core against OpenCC; two cores
against one) and the peak resident memory of each command.

The one-core runs take the two cores in turn, zhclean and OpenCC on the
same core in a round: on a shared machine one core is often slower than
the other for a while, and timing one core only would make the two-core
ratio depend on which.

Usage: scripts/bench_batch.py ZHCLEAN_BINARY [--mb 200] [--runs 3]
Needs `pip install opencc==1.4.2` in the running interpreter.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import time

import opencc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "bench-data", "corpus")
BENCH = os.path.join(ROOT, "bench-data", "bench")
SEED = os.path.join(ROOT, "data", "examples", "seed-page.txt")
SPAM = os.path.join(ROOT, "tests", "data", "spam", "labelled.txt")
CHROME = ["網友評論", "全部評論", "請輸入手機號碼", "上一篇：", "分享到："]


def opencc_binary():
    base = os.path.join(os.path.dirname(opencc.__file__), "clib")
    return os.path.join(base, "bin", "opencc"), os.path.join(base, "share", "opencc", "t2s.json")


def lines_of(name):
    with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def build(mb):
    os.makedirs(BENCH, exist_ok=True)
    jsonl, text = os.path.join(BENCH, "dump.jsonl"), os.path.join(BENCH, "dump.txt")
    if os.path.exists(jsonl) and os.path.getsize(jsonl) >= mb * 1e6:
        return jsonl, text
    rng = random.Random(2026)
    with open(SEED, encoding="utf-8") as f:
        seed = f.read()
    s2t = opencc.OpenCC("s2t")
    real = (lines_of("poetry-tang.txt") + lines_of("classics.txt") + lines_of("hkcancor.txt")
            + [s2t.convert(line) for line in lines_of("peoples-daily-1998.txt")[:40000]])
    with open(SPAM, encoding="utf-8") as f:
        spam = [line.split("\t", 1)[1].strip() for line in f if line.startswith("S\t")]
    size, n = 0, 0
    with open(jsonl, "w", encoding="utf-8") as out, open(text, "w", encoding="utf-8") as plain:
        while size < mb * 1e6:
            if n % 4 == 0:
                page = seed
            else:
                start = rng.randrange(len(real) - 40)
                body = real[start:start + rng.randrange(8, 40)]
                top = [rng.choice(spam)] if n % 2 else []
                page = "\n\n".join(top + body + rng.sample(CHROME, 2)) + "\n"
            record = json.dumps({"id": n, "url": f"https://example.com/{n}", "text": page},
                                ensure_ascii=False)
            out.write(record + "\n")
            plain.write(page + "\n")
            size += len(record.encode("utf-8")) + 1
            n += 1
    return jsonl, text


def run(cmd):
    """Wall time and peak resident memory (MB) of one command. The memory
    comes from GNU time (a child's own rusage on Linux counts the Python
    process it was forked from); 0 without it."""
    gnu_time = ["/usr/bin/time", "-f", "%M"] if os.path.exists("/usr/bin/time") else []
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        done = subprocess.run(gnu_time + cmd, stdout=null, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bench_batch: {' '.join(cmd)} failed: {done.stderr.decode()[-500:]}")
    lines = done.stderr.decode().strip().splitlines()
    rss = int(lines[-1]) / 1024 if gnu_time and lines and lines[-1].isdigit() else 0.0
    return took, rss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    jsonl, text = build(args.mb)
    binary, config = opencc_binary()
    pin = shutil.which("taskset") and len(os.sched_getaffinity(0)) >= 2
    cores = ["0", "1"] if pin else [None]

    def commands(core):
        one = ["taskset", "-c", core] if core else []
        two = ["taskset", "-c", "0,1"] if pin else []
        return {
            "zhclean -j 1": one + [args.binary, "-q", "-j", "1", jsonl],
            "zhclean -j 2": two + [args.binary, "-q", "-j", "2", jsonl],
            "opencc t2s": one + [binary, "-c", config, "-i", text, "-o", "/dev/null"],
        }

    names = list(commands(cores[0]))
    times = {name: [] for name in names}
    by_core = {(name, core): [] for name in names for core in cores}
    memory = {name: 0.0 for name in names}
    for cmd in commands(cores[0]).values():
        run(cmd)  # warm the page cache
    for round_ in range(args.runs):
        core = cores[round_ % len(cores)]
        for name, cmd in commands(core).items():
            took, rss = run(cmd)
            times[name].append(took)
            by_core[(name, core)].append(took)
            memory[name] = max(memory[name], rss)
    sizes = {"zhclean -j 1": os.path.getsize(jsonl), "zhclean -j 2": os.path.getsize(jsonl),
             "opencc t2s": os.path.getsize(text)}
    print(f"{'command':14} {'MB':>7} {'seconds':>8} {'MB/s':>7} {'peak RSS MB':>11}")
    median = {name: statistics.median(t) for name, t in times.items()}
    for name in names:
        mb = sizes[name] / 1e6
        print(f"{name:14} {mb:7.1f} {median[name]:8.3f} {mb / median[name]:7.1f} {memory[name]:11.1f}")
    # The text OpenCC converts is the dump's text fields: compare rates on it.
    text_mb = sizes["opencc t2s"] / 1e6
    print(f"whole pipeline on one core vs OpenCC t2s, same text: "
          f"{median['opencc t2s'] / median['zhclean -j 1']:.2f}x "
          f"({text_mb / median['zhclean -j 1']:.1f} vs {text_mb / median['opencc t2s']:.1f} MB/s of text)")
    print(f"-j 2 vs -j 1: {median['zhclean -j 1'] / median['zhclean -j 2']:.2f}x")
    if pin:
        for name in ("zhclean -j 1", "opencc t2s"):
            each = ", ".join(f"core {core} {statistics.median(by_core[(name, core)]):.3f} s"
                             for core in cores if by_core[(name, core)])
            print(f"{name} by core (median): {each}")


if __name__ == "__main__":
    main()
