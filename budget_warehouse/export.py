"""Export the published marts as Parquet files with a manifest, from any target, for BI tools that read files.

`python -m budget_warehouse.export --target {duckdb,postgres,spark} --out FOLDER` (`make export`) writes
`FOLDER/<mart>.parquet` for every table and view of the published marts schema (DuckDB: `marts` of the
published file, opened read-only; PostgreSQL: `<prefix>_marts`, read in one snapshot; Spark: the database
`<schema>_marts` through a local session on the build's metastore) and `FOLDER/manifest.json`: the target,
the source, when, and per mart its file, rows, bytes, SHA-256, columns with their Parquet types and the
model's description. Money stays DECIMAL(p, s), never a float; codes stay text.

The folder is written as `FOLDER.building` beside it; each file is read back with DuckDB, which must find the
source's row count and column types; only then does the new folder take FOLDER's name by rename, and the
previous export is removed after. Any failure leaves the previous export as it was and no `.building` behind.

Exit status: 0; 1 nothing was exported (no published warehouse, or a mart could not be written: one line on
stderr names the target, the mart and the reason); 2 a usage error.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import duckdb
import psycopg2.extensions
import yaml
from psycopg2 import sql

from budget_warehouse import pg_warehouse, spark_session
from budget_warehouse.targets import ALL_TARGETS, add_target_argument
from budget_warehouse.warehouse_paths import PROJECT_DIR, published_path

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
NOT_EXPORTED = 1
MARTS_MODELS = PROJECT_DIR / "models" / "marts"
# A mart's name becomes a file name: a plain identifier, never a path.
_MART_NAME = re.compile(r"[a-z_][a-z0-9_]*")
# (name, type as DuckDB reads it from Parquet: VARCHAR, BIGINT, DECIMAL(20,6) ...)
Column = tuple[str, str]

# PostgreSQL's types (information_schema.columns.data_type) as written to Parquet; numeric(p, s) is
# DECIMAL(p, s). Anything else has no exact mapping here and stops the export.
PG_TYPES = {
    "text": "VARCHAR",
    "character varying": "VARCHAR",
    "character": "VARCHAR",
    "smallint": "SMALLINT",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp without time zone": "TIMESTAMP",
    "timestamp with time zone": "TIMESTAMP WITH TIME ZONE",
}
# Spark's types (DataFrame.dtypes) as DuckDB reads them from the Parquet files Spark writes.
SPARK_TYPES = {
    "string": "VARCHAR",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP WITH TIME ZONE",
}
_SPARK_DECIMAL = re.compile(r"decimal\((\d+),(\d+)\)")
# Parquet's DECIMAL holds 38 digits at most (DuckDB's too).
MAX_DECIMAL_PRECISION = 38


class ExportError(Exception):
    """Why nothing was exported, in one line (naming the mart when one failed)."""


def _literal(text: str) -> str:
    """A DuckDB string literal (paths and names are ours, but a quote in one must not break the SQL)."""
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class MartSource(Protocol):
    label: str  # the published marts, for messages

    def source(self) -> dict[str, Any]:
        """Where the marts were read, for the manifest."""

    def marts(self) -> list[str]:
        """Every table and view of the published marts schema, by name."""

    def write(self, mart: str, parquet: Path, scratch: Path) -> tuple[int, list[Column]]:
        """Write the mart as one Parquet file; its row count and columns in the source."""

    def finish(self) -> None:
        """Raise if what was read is not one published warehouse."""

    def close(self) -> None: ...


class DuckDBMarts:
    """The published DuckDB file, read-only: the nightly replaces it by rename, never under an open reader,
    so every mart comes from the file as it was when opened."""

    def __init__(self) -> None:
        self.path = published_path()
        if not self.path.is_file():
            raise ExportError(
                f"no published warehouse at {self.path} (BUDGET_WAREHOUSE_PATH); run the nightly job first"
            )
        self.connection = duckdb.connect(str(self.path), read_only=True)
        row = self.connection.execute("select current_database()").fetchone()
        # qualified by the file's catalog: a file named marts.duckdb would make `marts` alone ambiguous
        self.catalog = _identifier(str(row[0]) if row else "memory")
        self.label = f"the marts schema of {self.path}"

    def source(self) -> dict[str, Any]:
        return {"engine": "duckdb", "path": str(self.path), "schema": "marts"}

    def marts(self) -> list[str]:
        rows = self.connection.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = current_database() and table_schema = 'marts' order by 1"
        ).fetchall()
        return [str(name) for (name,) in rows]

    def write(self, mart: str, parquet: Path, scratch: Path) -> tuple[int, list[Column]]:
        relation = f"{self.catalog}.marts.{_identifier(mart)}"
        columns = self.connection.execute(f"describe select * from {relation}").fetchall()
        row = self.connection.execute(f"select count(*) from {relation}").fetchone()
        self.connection.execute(
            f"copy (select * from {relation}) to {_literal(str(parquet))} (format parquet)"
        )
        return int(row[0]) if row else 0, [(str(name), str(kind)) for name, kind, *_ in columns]

    def finish(self) -> None:
        pass

    def close(self) -> None:
        self.connection.close()


class PostgresMarts:
    """`<prefix>_marts` on the server the libpq variables name. Every mart is read in one read-only
    REPEATABLE READ transaction (one snapshot) and streamed with COPY ... TO STDOUT as CSV into a scratch
    file, which DuckDB reads with the mapped column types and writes as Parquet: nothing is held in memory,
    and a numeric travels as its text, exactly."""

    def __init__(self) -> None:
        self.schema = pg_warehouse.schema_name(pg_warehouse.published_prefix(), pg_warehouse.MARTS_LAYER)
        self.connection: psycopg2.extensions.connection = pg_warehouse.connect("budget_warehouse export")
        self.connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        self.connection.set_client_encoding("UTF8")
        self.duck = duckdb.connect()
        self.label = f"{self.schema} in {pg_warehouse.database_label()}"
        with self.connection.cursor() as cursor:
            # dates and timestamps in the ISO form DuckDB reads
            cursor.execute("set local datestyle = 'ISO, YMD'; set local timezone = 'UTC'")
        self.schema_oid = self._schema_oid()
        if self.schema_oid is None:
            self.close()
            raise ExportError(
                f"no published schema {self.schema} in {pg_warehouse.database_label()}; "
                "run the nightly job with --target postgres first"
            )

    def _schema_oid(self) -> int | None:
        """The schema that holds the name in the transaction's snapshot. A publish renames the old schema
        away and gives the name to a new one; a query started after it finds the new tables by name, whose
        rows a snapshot taken before it does not see (the README's REPEATABLE READ caveat)."""
        with self.connection.cursor() as cursor:
            cursor.execute("select oid from pg_namespace where nspname = %s", (self.schema,))
            row = cursor.fetchone()
        return None if row is None else int(row[0])

    def source(self) -> dict[str, Any]:
        info = self.connection.info
        return {
            "engine": "postgres",
            "host": info.host,
            "port": info.port,
            "database": info.dbname,
            "schema": self.schema,
        }

    def marts(self) -> list[str]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "select table_name from information_schema.tables where table_schema = %s order by 1",
                (self.schema,),
            )
            return [str(name) for (name,) in cursor.fetchall()]

    def _columns(self, mart: str) -> list[Column]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "select column_name, data_type, numeric_precision, numeric_scale "
                "from information_schema.columns where table_schema = %s and table_name = %s "
                "order by ordinal_position",
                (self.schema, mart),
            )
            rows = cursor.fetchall()
        columns = []
        for name, data_type, precision, scale in rows:
            if data_type == "numeric" and precision is not None and precision <= MAX_DECIMAL_PRECISION:
                columns.append((str(name), f"DECIMAL({precision},{scale})"))
            elif data_type in PG_TYPES:
                columns.append((str(name), PG_TYPES[data_type]))
            else:
                # an unconstrained numeric has no fixed scale: it would need a float or a guess
                shown = "numeric without precision" if data_type == "numeric" else data_type
                raise ExportError(f"{mart}.{name}: {shown} has no exact Parquet type here")
        return columns

    def write(self, mart: str, parquet: Path, scratch: Path) -> tuple[int, list[Column]]:
        columns = self._columns(mart)
        relation = sql.Identifier(self.schema, mart)
        csv = scratch / f"{mart}.csv"
        with self.connection.cursor() as cursor:
            cursor.execute(sql.SQL("select count(*) from {}").format(relation))
            row = cursor.fetchone()
            # every value quoted: an unquoted empty field is NULL, a quoted one the empty text
            with csv.open("wb") as stream:
                cursor.copy_expert(
                    sql.SQL("copy (select * from {}) to stdout with (format csv, force_quote *)")
                    .format(relation)
                    .as_string(self.connection),
                    stream,
                )
        types = ", ".join(f"{_literal(name)}: {_literal(kind)}" for name, kind in columns)
        self.duck.execute(
            f"copy (select * from read_csv({_literal(str(csv))}, columns = {{{types}}}, header = false, "
            "auto_detect = false, delim = ',', quote = '\"', escape = '\"', nullstr = '', "
            f"allow_quoted_nulls = false)) to {_literal(str(parquet))} (format parquet)"
        )
        csv.unlink()
        return int(row[0]) if row else 0, columns

    def finish(self) -> None:
        # a new transaction, a new snapshot: the name still held by the same schema means no publish
        # happened since the export's snapshot, so every mart was read from it
        self.connection.rollback()
        if self._schema_oid() != self.schema_oid:
            raise ExportError(
                f"a nightly published {self.schema} while the marts were read; run the export again"
            )

    def close(self) -> None:
        self.duck.close()
        self.connection.close()


class SparkMarts:
    """The database `<schema>_marts` through a local Spark session on the metastore and tables folder of
    profiles.yml's `spark` output (budget_warehouse.spark_session). Spark writes a folder of part files:
    one partition, then its single part file takes the mart's name."""

    def __init__(self) -> None:
        self.database = spark_session.marts_database()
        self.metastore = spark_session.metastore_path()
        self.label = f"Spark database {self.database}"
        # checked before Spark starts: the session would create an empty metastore there
        if not self.metastore.is_dir():
            raise ExportError(
                f"no Spark metastore at {self.metastore} (BUDGET_WAREHOUSE_SPARK_DIR); "
                "run dbt build --target spark first"
            )
        self.session = spark_session.local_session(app_name="budget_warehouse export")
        self.session.sparkContext.setLogLevel("ERROR")
        # Spark writes timestamps as INT96 by default, a legacy type; microseconds are Parquet's own
        self.session.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        if not self.session.catalog.databaseExists(self.database):
            self.session.stop()
            raise ExportError(f"no Spark database {self.database} in the metastore at {self.metastore}")

    def source(self) -> dict[str, Any]:
        return {
            "engine": "spark",
            "database": self.database,
            "metastore": str(self.metastore),
            "tables": spark_session.session_settings()["spark.sql.warehouse.dir"],
        }

    def marts(self) -> list[str]:
        tables = self.session.catalog.listTables(self.database)
        return sorted(table.name for table in tables if not table.isTemporary)

    def write(self, mart: str, parquet: Path, scratch: Path) -> tuple[int, list[Column]]:
        frame = self.session.table(f"`{self.database}`.`{mart}`")
        columns = []
        for name, kind in frame.dtypes:
            decimal = _SPARK_DECIMAL.fullmatch(kind)
            if decimal:
                columns.append((name, f"DECIMAL({decimal[1]},{decimal[2]})"))
            elif kind in SPARK_TYPES:
                columns.append((name, SPARK_TYPES[kind]))
            else:
                raise ExportError(f"{mart}.{name}: Spark type {kind} has no exact Parquet type here")
        rows = frame.count()
        folder = scratch / mart
        frame.coalesce(1).write.parquet(str(folder))
        parts = sorted(folder.glob("part-*.parquet"))
        if len(parts) != 1:
            raise ExportError(f"{mart}: Spark wrote {len(parts)} part files where one was expected")
        os.replace(parts[0], parquet)
        shutil.rmtree(folder)
        return rows, columns

    def finish(self) -> None:
        pass

    def close(self) -> None:
        self.session.stop()


def open_source(target: str) -> MartSource:
    if target == "postgres":
        return PostgresMarts()
    if target == "spark":
        return SparkMarts()
    return DuckDBMarts()


def mart_descriptions() -> dict[str, str]:
    """Each mart model's description from its YAML (it states the grain), whitespace folded."""
    descriptions = {}
    for path in sorted(MARTS_MODELS.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in document.get("models") or []:
            if model.get("description"):
                descriptions[str(model["name"])] = " ".join(str(model["description"]).split())
    return descriptions


@dataclass(frozen=True)
class WrittenMart:
    name: str
    file: str
    rows: int
    bytes: int
    sha256: str
    columns: list[Column]
    description: str | None

    def manifest_entry(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.file,
            "rows": self.rows,
            "bytes": self.bytes,
            "sha256": self.sha256,
            "columns": [{"name": name, "type": kind} for name, kind in self.columns],
            "description": self.description,
        }


def read_back(parquet: Path) -> tuple[int, list[Column]]:
    """The row count and column types DuckDB reads from a written file."""
    with duckdb.connect() as duck:
        relation = f"read_parquet({_literal(str(parquet))})"
        row = duck.execute(f"select count(*) from {relation}").fetchone()
        columns = duck.execute(f"describe select * from {relation}").fetchall()
    return int(row[0]) if row else 0, [(str(name), str(kind)) for name, kind, *_ in columns]


def export_mart(
    source: MartSource, mart: str, building: Path, scratch: Path, description: str | None
) -> WrittenMart:
    if not _MART_NAME.fullmatch(mart):
        raise ExportError(f"{mart!r}: not a plain lower-case name, not written as a file name")
    parquet = building / f"{mart}.parquet"
    try:
        rows, columns = source.write(mart, parquet, scratch)
        written_rows, written_columns = read_back(parquet)
    except ExportError:
        raise
    except Exception as error:  # the engine's own error (SQL, I/O, Spark): its first line, with the mart
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ExportError(f"{mart}: {reason}") from error
    if written_rows != rows:
        raise ExportError(f"{mart}: {written_rows} rows read back from Parquet, the source holds {rows}")
    if written_columns != columns:
        # e.g. a DuckDB HUGEINT, which Parquet would hold as a DOUBLE: not exact, so not exported
        differing = [
            f"column {name} is {kind} in the source, {written_kind} as written (column {written_name})"
            for (name, kind), (written_name, written_kind) in zip(columns, written_columns, strict=False)
            if (name, kind) != (written_name, written_kind)
        ] or [f"{len(columns)} columns in the source, {len(written_columns)} written"]
        raise ExportError(f"{mart}: {differing[0]}")
    with parquet.open("rb") as stream:
        digest = hashlib.file_digest(stream, "sha256").hexdigest()
    return WrittenMart(mart, parquet.name, rows, parquet.stat().st_size, digest, written_columns, description)


def _is_export(folder: Path) -> bool:
    """A folder the export may replace: none yet, an empty one, or an earlier export (its manifest)."""
    if not folder.exists():
        return True
    return folder.is_dir() and (not any(folder.iterdir()) or (folder / MANIFEST).is_file())


def replace_folder(out: Path, building: Path) -> None:
    """The new folder takes the name; the previous export is removed only once the new one is in place."""
    previous = out.with_name(out.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if out.exists():
        out.rename(previous)
    try:
        building.rename(out)
    except OSError:
        if previous.exists():
            previous.rename(out)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def export(target: str, out: Path) -> dict[str, Any]:
    """Write the target's published marts into `out` (replaced as a whole); returns the manifest."""
    out = out.absolute()
    if not _is_export(out):
        raise ExportError(f"{out} exists and is not an export (no {MANIFEST}); it is not replaced")
    building = out.with_name(out.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    exported_at = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        source = open_source(target)
        try:
            marts = sorted(source.marts())
            if not marts:
                raise ExportError(f"no mart in {source.label}")
            scratch = building / ".scratch"
            scratch.mkdir(parents=True)
            descriptions = mart_descriptions()
            written = [export_mart(source, mart, building, scratch, descriptions.get(mart)) for mart in marts]
            source.finish()
            manifest = {
                "format_version": FORMAT_VERSION,
                "target": target,
                "source": source.source(),
                "exported_at": exported_at,
                "marts": [mart.manifest_entry() for mart in written],
            }
        finally:
            source.close()
        shutil.rmtree(scratch)
        (building / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        replace_folder(out, building)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return manifest


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m budget_warehouse.export",
        allow_abbrev=False,
        description="Export the published marts as Parquet files with a manifest.json.",
    )
    add_target_argument(parser, ALL_TARGETS)
    parser.add_argument(
        "--out", type=Path, required=True, help="the folder to write; an earlier export there is replaced"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(list(sys.argv[1:] if argv is None else argv))
    out: Path = options.out
    started = time.monotonic()
    try:
        manifest = export(options.target, out)
    except Exception as error:  # any failure, ours or an engine's: one line, and nothing replaced
        kept = (
            f"the previous export in {out} is unchanged"
            if (out / MANIFEST).is_file()
            else "nothing was written"
        )
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        print(f"export --target {options.target}: {reason}; {kept}", file=sys.stderr)
        return NOT_EXPORTED
    rows = sum(mart["rows"] for mart in manifest["marts"])
    print(
        f"export: {len(manifest['marts'])} marts, {rows} rows from {options.target} written to {out} "
        f"in {time.monotonic() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
