"""The Python API against the command line and the golden files."""

import pickle
import subprocess

import pytest

import zhclean
from documents import SEED, SEED_CLEAN, documents, labelled_pages, zhclean_binary


@pytest.fixture(scope="module")
def cleaner():
    return zhclean.Cleaner()


def read(path, mode="r"):
    with open(path, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
        return f.read()


def test_seed_page_gives_the_command_lines_bytes(cleaner):
    seed = read(SEED, "rb")
    cli = subprocess.run([zhclean_binary(), SEED], capture_output=True, check=True).stdout
    assert cleaner.clean_bytes(seed).encode("utf-8") == cli
    assert cleaner.clean(seed.decode("utf-8")) == read(SEED_CLEAN)


def test_encodings_are_detected_or_forced(cleaner):
    seed = read(SEED)
    gbk = seed.encode("gb18030")
    assert cleaner.clean_bytes(gbk) == read(SEED_CLEAN)
    big5 = zhclean.Cleaner(encoding="big5")
    assert big5.clean_bytes("發展".encode("big5")) == "发展\n"


def test_strict_refuses_malformed_bytes():
    strict = zhclean.Cleaner(strict=True, encoding="utf-8")
    with pytest.raises(ValueError, match="malformed"):
        strict.clean_bytes(b"\xe5\x8f fine")
    assert zhclean.Cleaner(encoding="utf-8").clean_bytes(b"\xe5\x8f ok") == "\ufffd ok\n"


def test_stages_and_options_mirror_the_command_line():
    text = "發(fā)展"
    assert zhclean.Cleaner(convert=False).clean(text) == "發展\n"
    assert zhclean.Cleaner(annotations=False, convert=False).clean(text) == "發(fā)展\n"
    assert zhclean.Cleaner("s2t").clean("发展") == "發展\n"
    assert zhclean.Cleaner(hygiene_classes=["width"], convert=False).clean("ＡＢＣ１２") == "ABC12\n"
    assert zhclean.Cleaner(annotation_mode="keep").clean(text) == "发(fā)展\n"


def test_report_counts_what_each_stage_did():
    text, report = zhclean.Cleaner(keep_dropped=True).clean_with_report(read(SEED))
    assert text == read(SEED_CLEAN)
    assert report["annotations"]["stripped"] > 0
    assert report["spam"]["spam_lines"] == 1 and report["spam"]["chrome_lines"] == 3
    assert {line["kind"] for line in report["dropped"]} == {"spam", "chrome"}
    assert all(line["reasons"] for line in report["dropped"])
    _, quiet = zhclean.Cleaner().clean_with_report(read(SEED))
    assert quiet["dropped"] == []


def test_clean_many_equals_clean_one_by_one(cleaner):
    # Texts cross as code points, or as UTF-8 when ASCII: every width.
    texts = documents(400) + ["", "plain ASCII\n", "café ĉ 中文 𠀀𠀁 🎉\n", "é", "𠀀"]
    one_by_one = [cleaner.clean(t) for t in texts]
    assert cleaner.clean_many(texts) == one_by_one
    assert cleaner.clean_many(texts, threads=1) == one_by_one
    assert cleaner.clean_many(texts, threads=3) == one_by_one
    assert cleaner.clean_many([]) == []


def test_pickled_cleaner_is_rebuilt_from_its_settings(tmp_path):
    lexicon = tmp_path / "casino.txt"
    lexicon.write_text("# a user lexicon\n皇冠娱乐城\n", encoding="utf-8")
    original = zhclean.Cleaner("t2tw", hygiene_classes=["width"], spam_threshold=4.5,
                               lexicon_files=[lexicon], lexicons={"mine": "某某平台\n"})
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        copy = pickle.loads(pickle.dumps(original, protocol=protocol))
        assert type(copy) is zhclean.Cleaner
        assert copy.settings() == original.settings()
    lexicon.unlink()  # the copy carries the lexicon's text, not its path
    copy = pickle.loads(pickle.dumps(original))
    assert copy.settings()["lexicons"] == [("mine", "某某平台\n"), ("casino", "# a user lexicon\n皇冠娱乐城\n")]
    for page in labelled_pages()[:50]:
        assert copy.clean(page) == original.clean(page)


def test_bad_arguments_raise_with_the_rust_message(tmp_path):
    with pytest.raises(ValueError, match="unknown OpenCC config"):
        zhclean.Cleaner("t2x")
    with pytest.raises(ValueError, match="unknown hygiene class"):
        zhclean.Cleaner(hygiene_classes=["colour"])
    with pytest.raises(ValueError, match="annotation_mode"):
        zhclean.Cleaner(annotation_mode="sometimes")
    with pytest.raises(ValueError, match="unknown encoding"):
        zhclean.Cleaner(encoding="klingon")
    with pytest.raises(ValueError, match="spam_threshold"):
        zhclean.Cleaner(spam_threshold=float("nan"))
    with pytest.raises(ValueError, match="lexicons"):
        zhclean.Cleaner(lexicons=["not a pair"])
    with pytest.raises(FileNotFoundError, match="missing.json"):
        zhclean.Cleaner(str(tmp_path / "missing.json"))
    (tmp_path / "broken.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.json"):
        zhclean.Cleaner(str(tmp_path / "broken.json"))
    with pytest.raises(OSError, match="missing.txt"):
        zhclean.Cleaner(lexicon_files=[tmp_path / "missing.txt"])
    with pytest.raises(ValueError, match="threads"):
        zhclean.Cleaner().clean_many(["好"], threads=0)
    with pytest.raises(TypeError, match="int"):
        zhclean.Cleaner().clean_many(["好", 1])
    with pytest.raises(TypeError, match="str"):
        zhclean.Cleaner().clean_many("好")
    # A lone surrogate, which UTF-8 cannot carry: the error str.encode gives.
    with pytest.raises(UnicodeEncodeError, match="surrogate"):
        zhclean.Cleaner().clean_many(["好"] * 100 + ["壞\ud800"] + ["好"] * 100)
    with pytest.raises(UnicodeEncodeError, match="surrogate"):
        zhclean.Cleaner().clean("壞\ud800")
    with pytest.raises(TypeError):
        zhclean.Cleaner().clean(b"bytes are for clean_bytes")
    with pytest.raises(TypeError):
        zhclean.Cleaner(spam="yes")


def test_a_cleaner_is_shared_between_threads(cleaner):
    from concurrent.futures import ThreadPoolExecutor
    texts = documents(64)
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(cleaner.clean, texts)) == [cleaner.clean(t) for t in texts]


def test_the_package_docs_example_runs():
    import doctest
    failures, tried = doctest.testmod(zhclean)
    assert tried > 0 and failures == 0
