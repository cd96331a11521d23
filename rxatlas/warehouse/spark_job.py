"""Cluster entry point: build the Parquet warehouse on the Spark session that spark-submit or Databricks provides.

    spark-submit [options] .../rxatlas/warehouse/spark_job.py --warehouse s3a://bucket/atlas.parquet --mirror M
    python -m rxatlas.warehouse.spark_job --warehouse /data/atlas.parquet --mirror ../shared/data

The folder is then published into an atlas file with `rxatlas publish FOLDER --db ATLAS`. DuckDB is not used here.
"""

from __future__ import annotations

import argparse
import json
import sys

from rxatlas import settings
from rxatlas.build import BuildReport, Reporter, fill
from rxatlas.errors import RxAtlasError
from rxatlas.sources import get_sources
from rxatlas.warehouse.spark import SparkEngine


class _Log(Reporter):
    def finish(self, what: str, detail: str = "") -> None:
        print(f"{what} {detail}".strip(), file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Build the Parquet warehouse at --warehouse from the sources; print a JSON summary; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", required=True, help="folder or Hadoop URI (s3a://, abfss://, dbfs:/...)")
    parser.add_argument("--mirror", help="folder or http(s) URL holding source snapshots (env RXATLAS_MIRROR)")
    parser.add_argument("--cache", help="download folder on the driver (env RXATLAS_CACHE)")
    parser.add_argument("sources", nargs="*", help="sources to load (default: all)")
    args = parser.parse_args(argv)
    report = BuildReport(args.warehouse, engine="spark")
    try:
        with SparkEngine(args.warehouse) as engine:
            fill(engine, get_sources(args.sources or None), settings.mirror(args.mirror),
                 settings.cache_dir(args.cache), _Log(), report)
    except RxAtlasError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"warehouse": args.warehouse,
                      "sources": {s.source: s.rows for s in report.sources},
                      "steps": {s.name: s.status for s in report.steps}}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
