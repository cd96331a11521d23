"""The warehouse on Apache Spark: Parquet tables in a folder (local or a cluster's storage), same contract as DuckDB.

Neither this module nor the build steps it runs use DuckDB (Splink, a dependency, imports it for its own use): the
Parquet folder is published into an atlas file afterwards (warehouse/publish.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import sqlglot
from sqlglot import exp

from rxatlas.errors import QueryError
from rxatlas.extras import needs
from rxatlas.warehouse.dialect import translate
from rxatlas.warehouse.engine import SCHEMAS, SPARK

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger("rxatlas.sql")  # the SQL every engine runs, at debug level
WORK = "work"  # unqualified (temporary) tables of build steps; dropped when the engine closes
MANIFEST = "rxatlas-manifest.json"  # no leading "_": Spark hides such files from reads

# Settings of the local session a build starts; spark-submit and Databricks start their own session instead.
LOCAL_CONF = {
    "spark.sql.catalogImplementation": "in-memory",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}
# SQL settings every build session gets, its own or one it was given.
SQL_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "false",  # DuckDB's semantics: an out-of-range list index gives NULL, not an error
    "spark.sql.sources.default": "parquet",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}


def session() -> SparkSession:
    """The session spark-submit or Databricks started, else a new local one configured from RXATLAS_SPARK_*."""
    with needs("spark", "the Spark engine (it also needs Java 17)"):
        from pyspark.sql import SparkSession
    given = SparkSession.getActiveSession() is not None or "PYSPARK_GATEWAY_PORT" in os.environ \
        or "DATABRICKS_RUNTIME_VERSION" in os.environ
    builder = SparkSession.builder
    if not given:
        builder = builder.appName("rxatlas-build").master(os.environ.get("RXATLAS_SPARK_MASTER", "local[*]"))
        conf = {**LOCAL_CONF, "spark.driver.memory": os.environ.get("RXATLAS_SPARK_DRIVER_MEMORY", "4g"),
                "spark.sql.shuffle.partitions": os.environ.get("RXATLAS_SPARK_PARTITIONS", "8")}
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # Python workers run the similarity UDF
        for key, value in conf.items():
            builder = builder.config(key, value)
    spark = builder.getOrCreate()
    for key, value in SQL_CONF.items():
        spark.conf.set(key, value)
    spark.sparkContext.setLogLevel(os.environ.get("RXATLAS_SPARK_LOG_LEVEL", "ERROR"))
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)  # refusals become QueryError instead
    return spark


class SparkEngine:
    """A warehouse folder of Parquet tables (one folder per schema and table) driven by a Spark session.

    The schemas live in the session's catalog under names of their own (rx_<hash of the folder>_core, ...), so a
    build never touches a database of the same plain name in a shared metastore; SQL keeps saying core.x.
    """

    dialect = SPARK

    def __init__(self, path: Path | str) -> None:
        self.root = str(path).rstrip("/")
        self.spark = session()
        self._views: dict[str, str] = {}
        tag = hashlib.sha1(self.root.encode("utf-8")).hexdigest()[:8]
        self._databases = {schema: f"rx_{tag}_{schema}" for schema in (*SCHEMAS, WORK)}
        # Every table is created at an explicit location, so the catalog can forget it (on close) without deleting
        # its files, and the next session registers it again from the manifest. Spark deletes a database's own
        # location when it drops the database, so that location is a scratch folder.
        for schema, database in self._databases.items():
            self.spark.sql(f"DROP DATABASE IF EXISTS {database} CASCADE")
            self.spark.sql(f"CREATE DATABASE {database} LOCATION '{self._location(WORK)}/_catalog_{schema}'")
        self.spark.sql(f"USE {self._databases[WORK]}")
        self.spark.sparkContext.setCheckpointDir(self._location(WORK, "_checkpoints"))
        self._reopen()

    def _location(self, schema: str, table: str | None = None) -> str:
        folder = f"_{schema}" if schema == WORK else schema
        return f"{self.root}/{folder}" + (f"/{table}" if table else "")

    def _physical(self, qualified: str) -> str:
        """The catalog name of a warehouse table: core.x -> rx_<tag>_core.x; work tables by their own name."""
        schema, _, table = qualified.rpartition(".")
        return f"{self._databases[schema or WORK]}.{table}" if schema in (*SCHEMAS, "") else qualified

    def _fs(self, path: str) -> Any:
        """The Hadoop FileSystem and Path of a location (local folder, s3a://, abfss://, dbfs:/ ...)."""
        context = self.spark.sparkContext
        hadoop_path = context._jvm.org.apache.hadoop.fs.Path(path)  # type: ignore[union-attr]
        return hadoop_path.getFileSystem(context._jsc.hadoopConfiguration()), hadoop_path

    def _reopen(self) -> None:
        """Register the tables and views of an existing warehouse folder, as its manifest lists them.

        The manifest is removed while the folder is being written and written again only by a successful close,
        so a folder without one is unfinished and cannot be published.
        """
        fs, manifest = self._fs(f"{self.root}/{MANIFEST}")
        if not fs.exists(manifest):
            return
        text = self.spark.read.text(manifest.toString(), wholetext=True).first()
        listing = json.loads(text[0] if text else "{}")
        for name in listing["tables"]:
            schema, table = name.split(".")
            self.spark.sql(f"CREATE TABLE {self._physical(name)} USING parquet "
                           f"LOCATION '{self._location(schema, table)}'")
        for sql in listing["views"].values():
            self.execute(sql)
        fs.delete(manifest, False)

    # -- the engine contract ------------------------------------------------------------------------------------

    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        """Run statements written in DuckDB's dialect that return nothing."""
        for statement in sqlglot.parse(sql, read="duckdb"):
            if statement is None:
                continue
            if isinstance(statement, exp.Create) and statement.kind == "VIEW":
                self._views[statement.this.sql()] = statement.sql("duckdb")
            for translated in translate(statement, self.dialect):
                self._run(translated, params)

    def _run(self, statement: exp.Expr, params: list[Any] | None) -> None:
        if isinstance(statement, exp.Delete):
            self._delete(statement, params)
            return
        if isinstance(statement, exp.Drop) and statement.args.get("kind") == "TABLE":
            for table in statement.args.get("tables") or []:
                self._drop(table.sql("duckdb"))
            return
        if isinstance(statement, exp.Drop) and statement.args.get("kind") == "VIEW":
            for table in statement.args.get("tables") or []:
                self._views.pop(table.sql(), None)
        if isinstance(statement, exp.Create) and statement.kind == "TABLE":
            table = statement.this if isinstance(statement.this, exp.Table) else statement.this.find(exp.Table)
            location = exp.LocationProperty(this=exp.Literal.string(self._location(table.db or WORK, table.name)))
            statement.args["properties"].append("expressions", location)
        self._sql(statement, params)

    def _sql(self, statement: exp.Expr, params: list[Any] | None) -> DataFrame:
        from py4j.protocol import Py4JJavaError
        from pyspark.errors import PySparkException

        text = statement.transform(self._rename).sql("spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
        log.debug("%s", text)
        try:
            return self.spark.sql(text, args=params or None)
        except (PySparkException, Py4JJavaError) as exc:
            first = str(exc).splitlines()[0]
            raise QueryError(f"Spark refused {text[:300]}{'...' if len(text) > 300 else ''}: {first}") from None

    def _rename(self, node: exp.Expr) -> exp.Expr:
        """A table reference with its catalog name (core.x -> rx_<tag>_core.x), alias and all kept."""
        if isinstance(node, exp.Table) and node.db in SCHEMAS and not node.catalog:
            node = node.copy()
            node.set("db", exp.to_identifier(self._databases[node.db]))
        return node

    def _drop(self, name: str) -> None:
        """Drop a table and its files (tables reopened from a folder are external, so Spark keeps their files)."""
        schema, _, table = name.rpartition(".")
        self.spark.sql(f"DROP TABLE IF EXISTS {self._physical(name)}")
        fs, path = self._fs(self._location(schema or WORK, table))
        if fs.exists(path):
            fs.delete(path, True)

    def _delete(self, statement: exp.Delete, params: list[Any] | None) -> None:
        """DELETE on Parquet: rewrite the table with the rows the condition does not match."""
        table = statement.this
        where = statement.args.get("where")
        condition = exp.func("COALESCE", where.this.copy(), exp.false()) if where else exp.true()
        kept = self._sql(exp.select("*").from_(table.copy()).where(exp.not_(condition)), params)
        kept.localCheckpoint(eager=True).write.mode("overwrite").insertInto(
            self._physical(table.sql("duckdb")), overwrite=True)

    def query(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run a DuckDB-dialect query and return its result as an Arrow table."""
        (statement,) = [t for s in sqlglot.parse(sql, read="duckdb") if s is not None for t in translate(s, SPARK)]
        return self._sql(statement, params).toArrow()

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Run a DuckDB-dialect query and return its rows as dicts."""
        return self.query(sql, params).to_pylist()

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        """Run a query and return the first value of its first row (None when empty)."""
        result = self.query(sql, params)
        return result.column(0)[0].as_py() if result.num_rows else None

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under a temporary name."""
        frame = self.spark.createDataFrame(table) if table.num_rows else self.spark.createDataFrame(
            [], schema=_spark_schema(table.schema))
        frame.createOrReplaceTempView(name)

    def unregister(self, name: str) -> None:
        """Drop a temporary name made by register."""
        self.spark.catalog.dropTempView(name)

    def tables(self, schema: str | None = None) -> list[tuple[str, str]]:
        """List (schema, table) of every table and view, optionally in one schema."""
        schemas = [schema] if schema and schema != "main" else ([] if schema == "main" else list(SCHEMAS))
        found = [(s, t.name) for s in schemas
                 for t in self.spark.catalog.listTables(dbName=self._databases[s]) if not t.isTemporary]
        if schema in (None, "main"):
            found += [("main", t.name) for t in self.spark.catalog.listTables(dbName=self._databases[WORK])]
        return sorted(set(found))

    def columns(self, qualified: str) -> list[str]:
        """The column names of a schema-qualified table or view, in order."""
        return list(self.spark.table(self._physical(qualified)).columns)

    def exists(self, qualified: str) -> bool:
        """Tell whether a schema-qualified table or view exists (an unqualified name: a work table or temporary
        view)."""
        schema, _, name = qualified.rpartition(".")
        if schema in SCHEMAS:
            return bool(self.spark.catalog.tableExists(name, self._databases[schema]))
        return bool(self.spark.catalog.tableExists(name))  # the current database is the work one (USE in __init__)

    def linker_api(self) -> Any:
        """Splink's Spark backend on this session, with DuckDB's Jaro-Winkler (rapidfuzz) as the similarity.

        Splink's own jar computes Jaro-Winkler differently (15% of sampled name pairs score otherwise, 1% across a
        model level); rapidfuzz gives DuckDB's jaro_winkler_similarity to the last bit but rounding, so both engines
        score with the same function as well as the same model.
        """
        from splink import SparkAPI

        self.spark.udf.register("jaro_winkler", _jaro_winkler())
        return SparkAPI(spark_session=self.spark, register_udfs_automatically=False,
                        num_partitions_on_repartition=int(self.spark.conf.get("spark.sql.shuffle.partitions") or 8))

    def close_linker_api(self, api: Any) -> None:
        """Splink's tables on Spark are temporary views of this session; nothing to release."""

    def close(self, complete: bool = True) -> None:
        """Forget the session's catalog entries; when complete, first write the manifest that finishes the folder."""
        if complete:
            names = sorted(f"{s}.{t}" for s, t in self.tables() if s in SCHEMAS and f"{s}.{t}" not in self._views)
            manifest = {"tables": {name: self.columns(name) for name in names},
                        "views": dict(sorted(self._views.items()))}
            fs, path = self._fs(f"{self.root}/{MANIFEST}")
            out = fs.create(path, True)
            out.write(bytearray(json.dumps(manifest, indent=1).encode("utf-8")))
            out.close()
        self.spark.sql("USE default")
        for database in self._databases.values():
            for table in self.spark.catalog.listTables(dbName=database):
                if not table.isTemporary:
                    kind = "VIEW" if table.tableType == "VIEW" else "TABLE"
                    self.spark.sql(f"DROP {kind} {database}.{table.name}")
            self.spark.sql(f"DROP DATABASE IF EXISTS {database}")
        fs, work = self._fs(self._location(WORK))
        if fs.exists(work):
            fs.delete(work, True)

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(complete=exc[0] is None)


def _jaro_winkler() -> Any:
    """A vectorised Spark UDF: Jaro-Winkler similarity of two string columns, NULL when either is NULL."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    def similarity(left: pd.Series, right: pd.Series) -> pd.Series:
        from rapidfuzz.distance import JaroWinkler

        return pd.Series([None if pd.isna(a) or pd.isna(b) else JaroWinkler.similarity(a, b)
                          for a, b in zip(left, right, strict=True)], dtype="float64")

    # Spark reads the kind of UDF from the annotations, which this module's future import leaves as strings.
    similarity.__annotations__ = {"left": pd.Series, "right": pd.Series, "return": pd.Series}
    return pandas_udf(similarity, "double")  # type: ignore[call-overload]


def _spark_schema(schema: pa.Schema) -> Any:
    """The Spark schema of an Arrow schema (for empty tables, which carry no rows to infer from)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


