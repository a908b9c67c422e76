"""Real documents for the tests: the seed page and the labelled pages of
the spam corpus (tests/data/spam/labelled.txt: People's Daily, Tang poetry,
HKCanCor and classics with injected spam and chrome; see its SOURCE.md)."""

import os
import shutil
import subprocess

PYTHON = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(PYTHON)
SEED = os.path.join(ROOT, "data", "examples", "seed-page.txt")
SEED_CLEAN = os.path.join(ROOT, "data", "examples", "seed-page.clean.txt")
LABELLED = os.path.join(ROOT, "tests", "data", "spam", "labelled.txt")


def labelled_pages():
    """The labelled corpus's pages, as texts."""
    pages, lines = [], []
    with open(LABELLED, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            if line.startswith("=== page"):
                if lines:
                    pages.append("\n".join(lines) + "\n")
                lines = []
                continue
            _, _, text = line.rstrip("\n").partition("\t")
            lines.append(text)
    if lines:
        pages.append("\n".join(lines) + "\n")
    return pages


def documents(count):
    """`count` documents: every fourth the seed page, the others labelled
    pages in turn."""
    with open(SEED, encoding="utf-8") as f:
        seed = f.read()
    pages = labelled_pages()
    return [seed if i % 4 == 0 else pages[i % len(pages)] for i in range(count)]


def zhclean_binary():
    """The command line built from this repository (ZHCLEAN_BIN, else
    target/release/zhclean, else on PATH)."""
    candidates = [os.environ.get("ZHCLEAN_BIN"), os.path.join(ROOT, "target", "release", "zhclean"),
                  shutil.which("zhclean")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate):
            return candidate
    raise RuntimeError("no zhclean binary: run `cargo build --release` first, or set ZHCLEAN_BIN")


def cli_jsonl(texts, tmp_path):
    """`texts` cleaned by the command line as JSON Lines records."""
    import json
    path = tmp_path / "in.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for text in texts:
            f.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    out = subprocess.run([zhclean_binary(), "--jsonl", str(path), "-q"], capture_output=True, check=True)
    return [json.loads(line)["text"] for line in out.stdout.decode("utf-8").splitlines()]
