#!/usr/bin/env python3
"""Build data/freq/hanzi.txt: how common each Han character is in Chinese.

Source: the word list of jieba 0.42.1 (PyPI, MIT licence), `jieba/dict.txt`,
349,046 words with frequencies counted by its authors on a large Simplified
corpus. A character's count is the sum, over the words it occurs in, of the
word's frequency times its occurrences. Written out most common first, one
`character<TAB>count` a line, for the characters whose count is at least
MIN_COUNT; characters not listed are rare.

Usage: scripts/build_char_freq.py [--out data/freq/hanzi.txt]
"""

import argparse
import collections
import glob
import os
import subprocess
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JIEBA = ("jieba", "0.42.1")
MIN_COUNT = 100


def is_han(ch):
    c = ord(ch)
    return 0x3400 <= c <= 0x4DBF or 0x4E00 <= c <= 0x9FFF or 0x20000 <= c <= 0x3134F


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "data", "freq", "hanzi.txt"))
    args = parser.parse_args()
    downloads = os.path.join(ROOT, "bench-data", "downloads")
    os.makedirs(downloads, exist_ok=True)
    name, version = JIEBA
    found = glob.glob(os.path.join(downloads, f"{name}-{version}*"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", downloads,
                        f"{name}=={version}"], check=True)
        found = glob.glob(os.path.join(downloads, f"{name}-{version}*"))
    counts = collections.Counter()
    with tarfile.open(found[0], "r:gz") as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("jieba/dict.txt"))
        for line in tar.extractfile(member).read().decode("utf-8").splitlines():
            parts = line.split(" ")
            if len(parts) < 2 or not parts[1].isdigit():
                continue
            for ch in parts[0]:
                if is_han(ch):
                    counts[ch] += int(parts[1])
    ranked = [(ch, n) for ch, n in counts.most_common() if n >= MIN_COUNT]
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# Han character frequencies from jieba {version} dict.txt (MIT); "
                f"built by scripts/build_char_freq.py\n")
        for ch, n in ranked:
            f.write(f"{ch}\t{n}\n")
    print(f"{len(ranked)} characters written to {args.out}")


if __name__ == "__main__":
    main()
