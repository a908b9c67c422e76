#!/usr/bin/env python3
"""Time `zhclean --stages convert` beside OpenCC's own binary, in one run.

Both convert the same files, whole process, on one core (taskset), the runs
interleaved so that a noisy machine slows both alike. Prints the median time
of each, MB/s, and the ratio, like for like: OpenCC's binary leaves out the
tofu-risk dictionaries by default, so zhclean runs with --no-tofu.

Inputs, built from the corpus (scripts/build_corpus.py) into bench-data/bench:
- trad.txt: Tang poetry, HKCanCor, and People's Daily made Traditional with
  OpenCC's s2t, repeated to about 35 MB;
- simp.txt: People's Daily, reviews and Song ci, repeated to about 30 MB;
- line.txt: one short line (start-up time).

Usage: scripts/bench_convert.py ZHCLEAN_BINARY [--runs N] [--configs t2s,tw2sp]
Needs `pip install opencc==1.4.2` in the running interpreter.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import time

import opencc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "bench-data", "corpus")
BENCH = os.path.join(ROOT, "bench-data", "bench")


def opencc_paths():
    base = os.path.join(os.path.dirname(opencc.__file__), "clib")
    return os.path.join(base, "bin", "opencc"), os.path.join(base, "share", "opencc")


def read(name):
    with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
        return f.read()


def build_inputs():
    os.makedirs(BENCH, exist_ok=True)
    daily_trad = opencc.OpenCC("s2t").convert(read("peoples-daily-1998.txt"))
    trad = read("poetry-tang.txt") + read("hkcancor.txt") + daily_trad
    simp = read("peoples-daily-1998.txt") + read("reviews.txt") + read("poetry-song-ci.txt")
    inputs = {"trad.txt": trad * 5, "simp.txt": simp * 5, "line.txt": "頭髮發展\n"}
    for name, text in inputs.items():
        with open(os.path.join(BENCH, name), "w", encoding="utf-8") as f:
            f.write(text)
    return [os.path.join(BENCH, n) for n in inputs]


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--configs", default="t2s,tw2sp")
    args = parser.parse_args()
    opencc_bin, share = opencc_paths()
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    files = build_inputs()
    print(f"{'config':6} {'input':9} {'MB':>6} {'opencc s':>9} {'zhclean s':>9} "
          f"{'opencc MB/s':>11} {'zhclean MB/s':>12} {'ratio':>6}")
    for config in args.configs.split(","):
        for path in files:
            size = os.path.getsize(path) / 1024 / 1024
            theirs_cmd = pin + [opencc_bin, "-c", os.path.join(share, config + ".json"), "-i", path, "-o", "/dev/null"]
            ours_cmd = pin + [args.binary, "--stages", "convert", "--no-tofu", "--config", config, path]
            theirs, ours = [], []
            timed(theirs_cmd), timed(ours_cmd)  # warm the page cache
            for _ in range(args.runs):
                theirs.append(timed(theirs_cmd))
                ours.append(timed(ours_cmd))
            t, o = statistics.median(theirs), statistics.median(ours)
            print(f"{config:6} {os.path.basename(path):9} {size:6.1f} {t:9.4f} {o:9.4f} "
                  f"{size / t:11.1f} {size / o:12.1f} {t / o:6.2f}x")


if __name__ == "__main__":
    main()
