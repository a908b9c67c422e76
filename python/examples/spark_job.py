"""Clean a column of Chinese text with zhclean on Spark.

Each partition builds one ``zhclean.Cleaner`` from the options (a few
milliseconds; the OpenCC dictionaries are inside the package) and cleans
its rows in batches with ``clean_many``, which releases the GIL and uses
every core the executor has::

    spark-submit spark_job.py pages.jsonl cleaned/ --field text --config t2s

Needs ``pip install pyspark 'pandas<3' pyarrow`` besides zhclean.
"""

import argparse

import zhclean


def clean_column(df, column, output=None, **options):
    """`df` with `column` cleaned into `output` (default: the same
    column), by one Cleaner per partition; the other columns as they were."""
    from pyspark.sql.types import StringType, StructField, StructType

    output = output or column
    fields = list(df.schema.fields)
    if output not in df.columns:
        fields.append(StructField(output, StringType()))
    schema = StructType(fields)

    def clean_batches(batches):
        cleaner = zhclean.Cleaner(**options)
        for batch in batches:
            texts = batch[column]
            present = texts.notna()
            cleaned = texts.copy()
            given = texts[present].tolist()
            cleaned[present] = [like_the_field(t, c) for t, c in zip(given, cleaner.clean_many(given))]
            batch[output] = cleaned
            yield batch

    return df.mapInPandas(clean_batches, schema=schema)


def like_the_field(original, cleaned):
    """`cleaned` ending as `original` did, as `zhclean --jsonl` does: a
    Cleaner ends its text with one newline, a field without one keeps none."""
    if not original.endswith("\n") and cleaned.endswith("\n"):
        return cleaned[:-1]
    return cleaned


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", help="JSON Lines file or folder")
    parser.add_argument("output", help="folder for the cleaned JSON Lines")
    parser.add_argument("--field", default="text")
    parser.add_argument("--config", default="t2s")
    args = parser.parse_args()

    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("zhclean").getOrCreate()
    df = spark.read.json(args.input)
    clean_column(df, args.field, config=args.config).write.mode("overwrite").json(args.output)
    spark.stop()


if __name__ == "__main__":
    main()
