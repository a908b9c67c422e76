#!/usr/bin/env python3
"""Build tests/data/spam/labelled.txt, the labelled corpus for the spam stage.

Pages are composed the way scraped pages arrive: an article body of genuine
lines in one script (Traditional or Simplified), injected spam lines at the
top (line 1, sometimes line 3) written in Simplified whatever the page's
script, some ads in the page's own script inside the body, and page chrome
at the bottom (sometimes navigation at the top) in the page's script. Blank
lines separate the lines, as on the seed page.

Inputs:
- tests/data/spam/spam-lines.txt, chrome-lines.txt, genuine-lines.txt: the
  project's own lines;
- bench-data/corpus/*.txt (scripts/build_corpus.py): genuine lines from
  registry packages (People's Daily 1998, product reviews, Tang poetry,
  Song ci, HKCanCor).

Spam lines come in the forms seen in the wild: other separators, fewer
items, spaced-out characters (`麻 豆`), full-width letters and digits.
Script conversion uses OpenCC 1.4.2 (`pip install opencc==1.4.2`).

Output format: one line of the page a line, `LABEL<TAB>text`, LABEL being
S (spam), C (chrome), G (genuine) or B (blank); `=== page N` starts a page.
The output is committed; rerun this script only to change the corpus.

Usage: scripts/build_spam_corpus.py [--pages 240]
"""

import argparse
import os
import random
import re

import opencc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "spam")
CORPUS = os.path.join(ROOT, "bench-data", "corpus")
SEPARATORS = ["|", ",", "_", "-", " ", "，", ""]


def own_lines(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


# Lines of the registry corpora that are themselves site chrome (a hotel
# site's footer among the reviews): not genuine text, so left out.
NOT_GENUINE = ("网站导航",)


def corpus_lines(name, rng, count, max_len=120):
    with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
        lines = [line.strip() for line in f
                 if 4 <= len(line.strip()) <= max_len and not any(n in line for n in NOT_GENUINE)]
    return rng.sample(lines, min(count, len(lines)))


def full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def items(line):
    return [item for item in re.split(r"[|,_\-，\s]+", line) if item]


def variant(line, rng):
    """A spam line in one of the forms seen in the wild."""
    parts = items(line)
    form = rng.random()
    if form < 0.25 and len(parts) >= 4:
        parts = parts[: rng.randint(4, len(parts))]
    if form < 0.5:
        return rng.choice(SEPARATORS[:6]).join(parts)
    if form < 0.65:
        i = rng.randrange(len(parts))
        parts[i] = " ".join(parts[i])
        return rng.choice(["|", ",", " "]).join(parts)
    if form < 0.8:
        return full_width(line)
    return line


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=240)
    args = parser.parse_args()
    rng = random.Random(2026)
    s2t, t2s = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")
    spam = own_lines("spam-lines.txt")
    chrome = own_lines("chrome-lines.txt")
    genuine = own_lines("genuine-lines.txt")
    genuine += corpus_lines("peoples-daily-1998.txt", rng, 1400)
    genuine += corpus_lines("reviews.txt", rng, 700)
    genuine += corpus_lines("poetry-tang.txt", rng, 500)
    genuine += corpus_lines("poetry-song-ci.txt", rng, 300)
    genuine += corpus_lines("hkcancor.txt", rng, 300)
    rng.shuffle(genuine)
    top_chrome = [c for c in chrome if c.startswith(("当前位置", "您的位置", "首页"))]

    out = ["# Labelled pages for the spam stage, built by scripts/build_spam_corpus.py.",
           "# S spam, C chrome, G genuine, B blank. See tests/data/spam/SOURCE.md."]
    next_genuine = 0
    for page in range(1, args.pages + 1):
        traditional = rng.random() < 0.5
        script = (lambda s: s2t.convert(s)) if traditional else (lambda s: t2s.convert(s))
        lines = []
        if rng.random() < 0.8:
            lines.append(("S", variant(rng.choice(spam), rng)))
        if rng.random() < 0.2:
            lines.append(("C", script(rng.choice(top_chrome))))
        if rng.random() < 0.2:
            lines.append(("S", variant(rng.choice(spam), rng)))
        body = []
        for _ in range(rng.randint(10, 18)):
            body.append(("G", script(genuine[next_genuine % len(genuine)])))
            next_genuine += 1
        if rng.random() < 0.15:
            body.insert(rng.randrange(len(body)), ("S", script(variant(rng.choice(spam), rng))))
        lines += body
        for _ in range(rng.choice([0, 0, 1, 2, 3, 4])):
            lines.append(("C", script(rng.choice(chrome))))
        out.append(f"=== page {page}")
        for i, (label, text) in enumerate(lines):
            if i:
                out.append("B\t")
            out.append(f"{label}\t{text}")
    with open(os.path.join(DATA, "labelled.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out) + "\n")
    counts = {k: sum(1 for line in out if line.startswith(k + "\t")) for k in "SCG"}
    print(f"{args.pages} pages: {counts['S']} spam, {counts['C']} chrome, {counts['G']} genuine lines")


if __name__ == "__main__":
    main()
