"""Export the landed tables of a DuckDB landing file as Parquet, for `dbt build --target spark`.

The landing step (`land`) writes `landing.<kind>`, `landing.landed_files` and `landing.lines_not_loaded`
into a DuckDB file. This module writes every table of that schema as one Parquet folder,
`<folder>/<table>/data.parquet`, with the same columns and types (text, and bigint for counts and line
numbers, as landed; a NULL stays apart from an empty text). Spark reads them as the `landing` source: the
on-run-start macro `create_landing_tables` (macros/landing.sql) creates `<target schema>_landing.<table>`
over each folder, `using parquet location` (BUDGET_WAREHOUSE_SPARK_LANDING_DIR names the folder).

The folder is replaced as a whole: written beside it first, then renamed over it, so Spark never reads a
half-written landing.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb

from budget_warehouse.landing.land import LANDING_SCHEMA

# The DuckDB types a landed column may have; each keeps its type in Parquet (string, int64, int32).
LANDED_TYPES = frozenset({"VARCHAR", "BIGINT", "INTEGER"})


def _landed_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = ? order by table_name, ordinal_position",
        [LANDING_SCHEMA],
    ).fetchall()
    tables: list[str] = []
    for table, column, data_type in rows:
        if data_type not in LANDED_TYPES:
            raise ValueError(f"{LANDING_SCHEMA}.{table}.{column}: unexpected landed type {data_type}")
        if table not in tables:
            tables.append(table)
    if not tables:
        raise ValueError(f"the DuckDB file has no {LANDING_SCHEMA} tables: land the raw files first")
    return tables


def export_landing_to_parquet(duckdb_path: Path, folder: Path) -> dict[str, int]:
    """Write every landed table of `duckdb_path` as `<folder>/<table>/data.parquet`; rows per table."""
    folder = folder.resolve()
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    written: dict[str, int] = {}
    with duckdb.connect(str(duckdb_path), read_only=True) as source:
        # qualified by the file's catalog: a file named landing.duckdb makes `landing` alone ambiguous
        row = source.execute("select current_database()").fetchone()
        catalog = str(row[0]).replace('"', '""') if row else "memory"
        for table in _landed_tables(source):
            relation = f'"{catalog}".{LANDING_SCHEMA}."{table}"'
            target = building / table / "data.parquet"
            target.parent.mkdir()
            # the path is ours (no quote in a folder we name is expected, but one would be doubled)
            path = str(target).replace("'", "''")
            source.execute(f"copy {relation} to '{path}' (format parquet)")
            row = source.execute(f"select count(*) from read_parquet('{path}')").fetchone()
            expected = source.execute(f"select count(*) from {relation}").fetchone()
            written[table] = int(row[0]) if row else 0
            if expected is None or written[table] != expected[0]:
                held = expected[0] if expected else 0
                raise ValueError(f"{table}: {written[table]} rows written, the landing file holds {held}")
    previous = folder.with_name(folder.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if folder.exists():
        folder.rename(previous)
    building.rename(folder)
    shutil.rmtree(previous, ignore_errors=True)
    return written


def main(argv: list[str] | None = None) -> int:
    """`python -m budget_warehouse.landing.to_parquet DUCKDB_FILE FOLDER`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m budget_warehouse.landing.to_parquet DUCKDB_FILE FOLDER", file=sys.stderr)
        return 2
    written = export_landing_to_parquet(Path(args[0]), Path(args[1]))
    print(f"landing written to {args[1]}: {sum(written.values())} rows in {len(written)} tables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
