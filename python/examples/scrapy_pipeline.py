"""A Scrapy item pipeline that cleans scraped Chinese text with zhclean.

Enable it in a Scrapy project's settings::

    ITEM_PIPELINES = {"scrapy_pipeline.ZhcleanPipeline": 300}
    ZHCLEAN_FIELDS = ["title", "text"]       # the fields to clean
    ZHCLEAN_OPTIONS = {"config": "t2s"}       # zhclean.Cleaner's keywords
    ZHCLEAN_DROP_EMPTY = True                 # drop items left with no text

The class needs no Scrapy to run: items may be dicts or Scrapy items (any
mapping), and settings any object with ``get`` (Scrapy's ``Settings`` has
``getlist`` and ``getbool`` too, used when there).
"""

import zhclean

try:
    from scrapy.exceptions import DropItem
except ImportError:  # Scrapy not installed: the class is used on its own.

    class DropItem(Exception):
        """Raised to drop an item, as Scrapy's own."""


class ZhcleanPipeline:
    """Cleans the configured text fields of each item in place."""

    def __init__(self, fields=("text",), options=None, drop_empty=True):
        self.fields = list(fields)
        self.cleaner = zhclean.Cleaner(**(options or {}))
        self.drop_empty = drop_empty
        self.cleaned = 0
        self.dropped = 0

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        fields = settings.get("ZHCLEAN_FIELDS", ["text"])
        options = dict(settings.get("ZHCLEAN_OPTIONS", {}) or {})
        drop_empty = settings.get("ZHCLEAN_DROP_EMPTY", True)
        if hasattr(settings, "getbool"):
            drop_empty = settings.getbool("ZHCLEAN_DROP_EMPTY", True)
        return cls(fields=fields, options=options, drop_empty=drop_empty)

    def process_item(self, item, spider):
        kept_text = False
        for field in self.fields:
            value = item.get(field)
            if isinstance(value, bytes):
                item[field] = self.cleaner.clean_bytes(value)
            elif isinstance(value, str):
                item[field] = self.cleaner.clean(value)
            else:
                continue
            self.cleaned += 1
            kept_text = kept_text or bool(item[field].strip())
        if self.drop_empty and not kept_text:
            self.dropped += 1
            raise DropItem(f"no text left in {', '.join(self.fields)} after cleaning")
        return item

    def close_spider(self, spider):
        log = getattr(spider, "logger", None)
        if log is not None:
            log.info("zhclean: %d fields cleaned, %d items dropped", self.cleaned, self.dropped)
