from os import PathLike
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

__version__: str

class Cleaner:
    """Cleans scraped Chinese text: repairs mojibake, tidies Unicode, strips
    pinyin annotations, drops spam and page chrome, converts with OpenCC.

    The keyword arguments mirror the command line's options, with its
    defaults: ``Cleaner().clean_bytes(page)`` gives the bytes ``zhclean
    page`` prints. Safe to share between threads; picklable.

    Raises ``ValueError`` for a bad option (an unknown config, stage class
    or encoding), ``OSError`` for a file that cannot be read (a config or
    dictionary path, a lexicon file).
    """

    def __init__(
        self,
        config: str = "t2s",
        *,
        repair: bool = True,
        hygiene: bool = True,
        annotations: bool = True,
        spam: bool = True,
        convert: bool = True,
        hygiene_classes: Optional[Sequence[str]] = None,
        annotation_mode: str = "auto",
        spam_threshold: float = 5.0,
        drop_spam: bool = True,
        drop_chrome: bool = True,
        include_tofu: bool = True,
        encoding: Optional[str] = None,
        strict: bool = False,
        lexicons: Optional[Union[Mapping[str, str], Sequence[Tuple[str, str]]]] = None,
        lexicon_files: Optional[Sequence[Union[str, PathLike[str]]]] = None,
        keep_dropped: bool = False,
    ) -> None:
        """Builds a cleaner.

        config: an OpenCC config name (``t2s``, ``s2twp``, ...) or the path
            of a config JSON file.
        repair, hygiene, annotations, spam, convert: switch each stage.
        hygiene_classes: which hygiene classes run, of ``invisible``,
            ``ideographs``, ``html``, ``width``, ``whitespace`` (default: all
            but ``width``).
        annotation_mode: ``auto`` (strip when the document looks garbled),
            ``strip`` or ``keep``.
        spam_threshold: the spam score at or above which a line is dropped.
        drop_spam, drop_chrome: drop injected spam lines, page chrome lines.
        include_tofu: keep OpenCC dictionaries whose output fonts may lack.
        encoding: for ``clean_bytes``, a WHATWG label (``gbk``, ``big5``)
            to decode with instead of detecting one.
        strict: for ``clean_bytes``, raise on malformed bytes.
        lexicons: user spam lexicons, ``{category: text}`` or pairs, the
            text one entry a line with ``#`` comments.
        lexicon_files: lexicon files, read now; the category is the name.
        keep_dropped: list dropped lines in ``clean_with_report``'s report.
        """

    def clean(self, text: str) -> str:
        """Cleans ``text`` and returns the clean text."""

    def clean_bytes(self, data: bytes) -> str:
        """Cleans bytes in any encoding zhclean detects (GB18030, GBK, Big5,
        UTF-16, UTF-8), or the one ``encoding`` names."""

    def clean_with_report(self, text: str) -> Tuple[str, Dict[str, Any]]:
        """Cleans ``text``; returns the clean text and what each stage did."""

    def clean_many(self, texts: List[str], threads: Optional[int] = None) -> List[str]:
        """Cleans each of ``texts`` on ``threads`` threads (default: every
        core) without the GIL; the results in the order of ``texts``."""

    def settings(self) -> Dict[str, Any]:
        """The keyword arguments this cleaner was built with."""

    def __reduce__(self) -> Tuple[Any, ...]: ...
