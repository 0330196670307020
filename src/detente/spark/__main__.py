"""The Spark engine as a program, for spark-submit (docs/spark.md):

    spark-submit [spark options] "$(python -c 'import detente.spark.__main__ as m; print(m.__file__)')" \\
        INPUT... --out DIR [--parquet URI] [--no-local] [--db FILE] [--partitions N]

or `python -m detente.spark INPUT... --out DIR --master local[4]`. Exits 0 when every record was read, 3 when some
could not be (listed on standard error), as `detente run` does.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from detente.spark import run_spark


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="detente.spark", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or globs, on a path every executor sees")
    ap.add_argument("--out", type=Path, required=True, help="folder for the local files (and the Parquet datasets)")
    ap.add_argument("--parquet", default=None, help="where the Parquet datasets go (default OUT/parquet; any URI "
                                                    "Spark can write: hdfs://, s3a://, ...)")
    ap.add_argument("--no-local", action="store_true", help="write only the Parquet datasets: no store, JSONL or brief")
    ap.add_argument("--db", type=Path, default=None, help="the DuckDB store (default OUT/detente.duckdb)")
    ap.add_argument("--master", default=None, help="Spark master when not run by spark-submit (default local[*])")
    ap.add_argument("--partitions", type=int, default=None, help="partitions of the corpus and coding stages")
    args = ap.parse_args(argv)
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit started the JVM and holds the master
    master = args.master or (None if submitted else "local[*]")
    result = run_spark(args.inputs, args.out, args.db, master=master, write_local=not args.no_local,
                       parquet_dir=args.parquet, partitions=args.partitions)
    print(json.dumps({"run_id": result.run_id, "counts": result.counts(), "parquet": result.parquet_dir,
                      "timings": {k: round(v, 1) for k, v in result.timings.items()}}))
    if result.unread_count:
        print(f"detente.spark: {result.unread_count} records could not be read:", file=sys.stderr)
        for source, error in result.unread:
            print(f"  {source}: {' '.join(error.split())}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
