"""Copy the landed tables of a DuckDB landing file into PostgreSQL, for `dbt build --target postgres`.

The landing step (`land`) writes `landing.<kind>`, `landing.landed_files` and `landing.lines_not_loaded`
into a DuckDB file. This module copies every table of that schema, with the same columns and types (text,
and bigint for counts and line numbers, as landed), into one PostgreSQL schema, replacing what it held:
the dbt `landing` source reads `<target schema>_landing` on PostgreSQL (`pg_landing_schema`).

The server is named by the standard libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), or by
a libpq connection string. Rows travel by COPY in CSV, which keeps a NULL (an unquoted empty field) apart
from an empty text (a quoted one); the whole copy is one transaction, so a failed copy leaves the schema as
it was.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import duckdb
import psycopg2
from psycopg2 import sql

from budget_warehouse.landing.land import LANDING_SCHEMA

# DuckDB's types of the landed columns and the PostgreSQL type each is copied as.
PG_TYPES = {"VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer"}


def pg_landing_schema(target_schema: str) -> str:
    """The schema the dbt `landing` source reads on PostgreSQL for a target schema (the prefix
    BUDGET_WAREHOUSE_PG_SCHEMA names)."""
    return f"{target_schema}_{LANDING_SCHEMA}"


def _landed_tables(connection: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Every table of the landing schema with its columns and their PostgreSQL types, in column order."""
    rows = connection.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = ? order by table_name, ordinal_position",
        [LANDING_SCHEMA],
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        if data_type not in PG_TYPES:
            raise ValueError(f"{LANDING_SCHEMA}.{table}.{column}: no PostgreSQL type for {data_type}")
        tables.setdefault(table, []).append((column, PG_TYPES[data_type]))
    if not tables:
        raise ValueError(f"the DuckDB file has no {LANDING_SCHEMA} tables: land the raw files first")
    return tables


def copy_landing_to_postgres(duckdb_path: Path, pg_schema: str, conninfo: str = "") -> dict[str, int]:
    """Copy every landed table of `duckdb_path` into `pg_schema` (dropped and created again); rows per table.

    `conninfo` is a libpq connection string; empty, the PG* environment variables name the server.
    """
    copied: dict[str, int] = {}
    with (
        duckdb.connect(str(duckdb_path), read_only=True) as source,
        tempfile.TemporaryDirectory(prefix="landing_pg_") as scratch,
    ):
        tables = _landed_tables(source)
        target = psycopg2.connect(conninfo)
        try:
            with target, target.cursor() as cursor:
                schema = sql.Identifier(pg_schema)
                cursor.execute(sql.SQL("drop schema if exists {} cascade").format(schema))
                cursor.execute(sql.SQL("create schema {}").format(schema))
                for table, columns in tables.items():
                    relation = sql.Identifier(pg_schema, table)
                    cursor.execute(
                        sql.SQL("create table {} ({})").format(
                            relation,
                            sql.SQL(", ").join(
                                sql.SQL("{} {}").format(sql.Identifier(column), sql.SQL(pg_type))
                                for column, pg_type in columns
                            ),
                        )
                    )
                    csv_path = Path(scratch) / f"{table}.csv"
                    # DuckDB writes NULL as an empty field and an empty text as "", as PostgreSQL reads them
                    source.execute(
                        f"copy {LANDING_SCHEMA}.\"{table}\" to '{csv_path}' (format csv, header false)"
                    )
                    with csv_path.open("rb") as handle:
                        cursor.copy_expert(
                            sql.SQL("copy {} from stdin with (format csv, encoding 'UTF8')").format(relation),
                            handle,
                        )
                    cursor.execute(sql.SQL("select count(*) from {}").format(relation))
                    row = cursor.fetchone()
                    copied[table] = int(row[0]) if row else 0
                    expected = source.execute(f'select count(*) from {LANDING_SCHEMA}."{table}"').fetchone()
                    if expected is None or copied[table] != expected[0]:
                        raise ValueError(
                            f"{pg_schema}.{table}: {copied[table]} rows copied where the landing file holds "
                            f"{expected[0] if expected else 0}"
                        )
        finally:
            target.close()
    return copied


def main(argv: list[str] | None = None) -> int:
    """`python -m budget_warehouse.landing.to_postgres DUCKDB_FILE PG_SCHEMA` (the server: PG* variables)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m budget_warehouse.landing.to_postgres DUCKDB_FILE PG_SCHEMA", file=sys.stderr)
        return 2
    copied = copy_landing_to_postgres(Path(args[0]), args[1])
    print(f"landing copied to {args[1]}: {sum(copied.values())} rows in {len(copied)} tables")
    return 0


if __name__ == "__main__":
    sys.exit(main())
