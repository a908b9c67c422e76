"""zhclean: scraped, garbled Chinese web text made clean.

One class, :class:`Cleaner`, built from the Rust library: it repairs
mojibake, tidies Unicode, strips pinyin a broken converter appended
(``發(fā)展``), drops injected spam and page chrome, and converts exactly as
OpenCC does::

    >>> import zhclean
    >>> zhclean.Cleaner().clean("發(fā)展殘疾人事業")
    '发展残疾人事业\\n'

A cleaner is built once (a few milliseconds) and reused; it is safe to
share between threads, releases the GIL while it works, and pickles to its
settings, so it ships to Spark and Ray workers.
"""

from ._zhclean import Cleaner, __version__

__all__ = ["Cleaner", "__version__"]
