#!/usr/bin/env python3
"""Differential test: zhclean's conversion against OpenCC 1.4.2 itself.

For every config and every corpus file, converts the file with
`zhclean --stages convert --config C` and with the reference, and counts the
lines that differ:

- with tofu-risk dictionaries (zhclean's default) against the Python module,
  `opencc.OpenCC(C).convert`;
- with `--no-tofu` against the command-line binary shipped in the same
  package (`opencc/clib/bin/opencc`), whose default leaves them out.

Prints the mismatch count per config and a few examples; exits 1 on any
mismatch. Needs `pip install opencc==1.4.2` in the running interpreter.

Usage: scripts/opencc_diff.py ZHCLEAN_BINARY CORPUS_DIR [--configs t2s,s2t]
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

import opencc

CONFIGS = ["t2s", "tw2s", "tw2sp", "hk2s", "hk2sp", "s2t", "s2tw", "s2twp", "s2hk",
           "s2hkp", "t2tw", "t2hk", "tw2t", "hk2t", "t2jp", "jp2t"]


def opencc_binary():
    base = os.path.join(os.path.dirname(opencc.__file__), "clib")
    return os.path.join(base, "bin", "opencc"), os.path.join(base, "share", "opencc")


def zhclean(binary, config, path, no_tofu):
    cmd = [binary, "--stages", "convert", "--config", config, path]
    if no_tofu:
        cmd.append("--no-tofu")
    return subprocess.run(cmd, check=True, capture_output=True).stdout.decode("utf-8")


def reference_cli(config, path):
    binary, share = opencc_binary()
    with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as out:
        out_path = out.name
    try:
        subprocess.run([binary, "-c", os.path.join(share, config + ".json"), "-i", path, "-o", out_path],
                       check=True, capture_output=True)
        with open(out_path, encoding="utf-8", newline="") as f:
            return f.read()
    finally:
        os.unlink(out_path)


def compare(ours, theirs):
    a, b = ours.split("\n"), theirs.split("\n")
    bad = [(i, x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(a) != len(b):
        bad.append((min(len(a), len(b)), f"<{len(a)} lines>", f"<{len(b)} lines>"))
    return len(a), bad


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("corpus")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    args = parser.parse_args()
    files = sorted(glob.glob(os.path.join(args.corpus, "*.txt")))
    if not files:
        sys.exit(f"opencc_diff: no .txt files in {args.corpus}; run scripts/build_corpus.py")
    size = sum(os.path.getsize(f) for f in files)
    print(f"opencc {opencc.__version__}, corpus {len(files)} files, {size / 1024 / 1024:.1f} MB")
    failed = 0
    for config in args.configs.split(","):
        module = opencc.OpenCC(config)
        counts = {}
        for mode in ("module", "cli --no-tofu"):
            lines = mismatches = 0
            for path in files:
                with open(path, encoding="utf-8", newline="") as f:
                    text = f.read()
                if mode == "module":
                    ours, theirs = zhclean(args.binary, config, path, False), module.convert(text)
                else:
                    ours, theirs = zhclean(args.binary, config, path, True), reference_cli(config, path)
                n, bad = compare(ours, theirs)
                lines += n
                mismatches += len(bad)
                for i, x, y in bad[:3]:
                    print(f"  {config} [{mode}] {os.path.basename(path)}:{i + 1}\n    zhclean: {x[:120]}\n    opencc:  {y[:120]}")
            counts[mode] = (mismatches, lines)
            failed += mismatches
        print(f"{config:6} mismatched lines: {counts['module'][0]} of {counts['module'][1]} (module), "
              f"{counts['cli --no-tofu'][0]} of {counts['cli --no-tofu'][1]} (cli, --no-tofu)")
    print(f"total mismatched lines: {failed}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
