"""The examples, run: the Scrapy pipeline class on its own, and the Spark
job in local mode against the command line."""

import os
import sys

import pytest

import zhclean
from documents import SEED, SEED_CLEAN, cli_jsonl, documents
from scrapy_pipeline import DropItem, ZhcleanPipeline


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class Settings(dict):
    """What a Scrapy crawler's settings give: `get` with a default."""


class Crawler:
    def __init__(self, settings):
        self.settings = Settings(settings)


def test_scrapy_pipeline_cleans_the_configured_fields():
    pipeline = ZhcleanPipeline.from_crawler(Crawler({
        "ZHCLEAN_FIELDS": ["title", "text"],
        "ZHCLEAN_OPTIONS": {"config": "t2s"},
    }))
    item = {"url": "https://example.com/1", "title": "發(fā)展殘疾人事業", "text": read(SEED)}
    assert pipeline.process_item(item, spider=None) is item
    assert item == {"url": "https://example.com/1", "title": "发展残疾人事业\n", "text": read(SEED_CLEAN)}
    gbk = {"title": "區(qū)殘聯".encode("gbk"), "text": None}
    assert pipeline.process_item(gbk, spider=None)["title"] == "区残联\n"
    assert pipeline.cleaned == 3


def test_scrapy_pipeline_drops_items_left_empty():
    pipeline = ZhcleanPipeline(fields=["text"])
    with pytest.raises(DropItem, match="no text left"):
        pipeline.process_item({"text": "網友評論\n全部評論\n"}, spider=None)
    assert pipeline.dropped == 1
    keep = ZhcleanPipeline(fields=["text"], drop_empty=False)
    assert keep.process_item({"text": "網友評論\n"}, spider=None) == {"text": ""}


def test_spark_job_in_local_mode_matches_the_command_line(tmp_path):
    if os.environ.get("ZHCLEAN_REQUIRE_SPARK") != "1":
        pytest.importorskip("pyspark", reason="pip install pyspark pandas pyarrow")
    from pyspark.sql import SparkSession

    from spark_job import clean_column, like_the_field

    # Spark's Python workers run this interpreter, which has zhclean, and
    # import the example as the test does (spark-submit ships a script).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    examples = os.path.dirname(os.path.abspath(clean_column.__code__.co_filename))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [examples, os.environ.get("PYTHONPATH")]))

    texts = documents(10_000)
    spark = (SparkSession.builder.master("local[2]").appName("zhclean-test")
             .config("spark.sql.shuffle.partitions", "4")
             .config("spark.ui.enabled", "false")
             .getOrCreate())
    try:
        df = spark.createDataFrame([(i, t) for i, t in enumerate(texts)], "id long, text string")
        df = df.repartition(8)
        rows = clean_column(df, "text", output="clean", config="t2s").select("id", "clean").collect()
    finally:
        spark.stop()
    cleaned = [None] * len(texts)
    for row in rows:
        cleaned[row["id"]] = row["clean"]
    assert len(rows) == len(texts)
    assert cleaned == cli_jsonl(texts, tmp_path)
    # The seed page ends without a newline, so its cleaned field does too.
    assert cleaned[0] + "\n" == read(SEED_CLEAN)
    assert cleaned == [like_the_field(t, c) for t, c in zip(texts, zhclean.Cleaner().clean_many(texts))]
