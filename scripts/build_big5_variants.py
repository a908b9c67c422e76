#!/usr/bin/env python3
"""Build data/big5/python-big5.txt: the Big5 byte pairs that Python's own
`big5` codec reads as other characters than the WHATWG Encoding Standard
(which encoding_rs, and so zhclean, follows).

Scrapers written in Python decode with Python's codec, so GBK text that
such a scraper read as Big5 carries Python's characters: its kana sit at
C6A1 to C7FC where WHATWG has the ETEN circled numbers, and a dozen
punctuation marks differ. zhclean re-encodes such text with this table
before decoding it as GBK.

The WHATWG reading is taken from the zhclean binary (`--encoding big5`),
Python's from the interpreter running this script. One `bytes<TAB>char` a
line, bytes in hex, in byte order; a header of `#` lines names the Python.

Usage: scripts/build_big5_variants.py ZHCLEAN_BINARY [--out FILE]
"""

import argparse
import os
import platform
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pairs():
    for lead in range(0x81, 0xFF):
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            yield bytes([lead, trail])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--out", default=os.path.join(ROOT, "data", "big5", "python-big5.txt"))
    args = parser.parse_args()
    every = list(pairs())
    # Legacy multi-byte encodings never put 0x0A inside a character.
    data = b"\n".join(every) + b"\n"
    whatwg = subprocess.run([args.binary, "--encoding", "big5", "--stages", "annotations",
                             "--annotations", "keep"], input=data, capture_output=True,
                            check=True).stdout.decode("utf-8").split("\n")
    rows = []
    for pair, theirs in zip(every, whatwg):
        try:
            ours = pair.decode("big5")
        except UnicodeDecodeError:
            continue
        if len(ours) == 1 and ours != theirs:
            rows.append(f"{pair.hex()}\t{ours}\n")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(f"# Python {platform.python_version()} `big5` codec where it differs from WHATWG Big5\n")
        f.writelines(rows)
    print(f"{len(rows)} pairs -> {args.out}")


if __name__ == "__main__":
    main()
