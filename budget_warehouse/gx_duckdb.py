"""Great Expectations on DuckDB through GX's own SQL datasource: the suites run as SQL inside DuckDB.

GX 1.24's SQL datasource fails on DuckDB as shipped (GX issues 10738 and 11579): GX closes the connection
of each metric query before it reads the rows, so every metric comes back empty. GX keeps the connection
open for the dialects listed in `sqlalchemy_execution_engine._PERSISTED_CONNECTION_DIALECTS`; adding duckdb
there is the fix for that (`patch_gx_for_duckdb`). The list holds GX's dialect enum members, compared with the
engine's dialect name both by equality and through `.value`, hence a str that also has a `.value`.

A persisted connection is GX's one DuckDB connection (a StaticPool): the connection GX keeps holds the
transaction its first query began, and the column reflection GX runs on another SQLAlchemy connection of the
same pool begins again on the same DuckDB connection, which DuckDB refuses ("cannot start a transaction
within a transaction"). GX then throws away the whole pass of metrics and computes it again: a suite
validated first ran its first pass twice (`fct_identity_checks`: its grain check, 1-1.5 s at 10,000
disclosures). So GX's DuckDB connections
begin no transaction of their own and each query runs in DuckDB's own (autocommit): every query only reads
a file opened read-only, which nothing changes meanwhile (a build publishes a new file by a rename).

The warehouse is opened read-only (BI readers and a running build are never blocked). Each mart is a query
asset (`select * from marts.x`): table assets reflect the table, which duckdb_engine breaks. Nothing is read
into pandas: GX computes its metrics as aggregate SQL, and only a bounded sample of failing rows comes back.

tests/test_gx_duckdb_workaround.py checks that the unpatched datasource still fails upstream and the patched
one works: the day the first part stops failing, remove the patch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import duckdb

from budget_warehouse.queryable import Queryable

# Tables come from our own suite files; still, only a plain schema.table name is ever put into SQL.
_TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*")
_COLUMN_NAME = re.compile(r"[a-z_][a-z0-9_]*")
DUCKDB = "duckdb"
# What GX's DuckDB may hold in memory. Unbounded, DuckDB takes up to 80% of the machine: at 100,000
# disclosures the uniqueness of 96 M finding ids took the validation's process to 10.7 GiB.
GX_MEMORY_LIMIT = "2GB"


class _DuckDBDialectName(str):
    """The name "duckdb", with the `.value` GX reads from its own dialect enum members."""

    @property
    def value(self) -> str:
        return str(self)


def _no_progress_bar(dbapi_connection: Any, _record: Any) -> None:
    # a setting of the connection, not of the database: duckdb_engine's config cannot carry it
    if type(dbapi_connection).__module__.startswith("duckdb_engine"):
        dbapi_connection.execute("set enable_progress_bar = false")


def _autocommit(_dialect: Any, _dbapi_connection: Any) -> None:
    """duckdb_engine's begin, made a no-op: DuckDB runs each query in a transaction of its own."""


def patch_gx_for_duckdb() -> None:
    """Make GX keep its DuckDB connection open while it reads results, run each of its queries in DuckDB's
    own transaction, and let none of its DuckDB connections draw a progress bar into the nightly's log
    (queryable.report_session says why); idempotent. GX makes the engines itself, so every new connection
    of any pool is looked at."""
    import duckdb_engine
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    if not event.contains(Pool, "connect", _no_progress_bar):
        event.listen(Pool, "connect", _no_progress_bar)
    duckdb_engine.Dialect.do_begin = _autocommit  # type: ignore[method-assign,assignment]

    persisted = tuple(engine._PERSISTED_CONNECTION_DIALECTS)
    if any(dialect == DUCKDB for dialect in persisted):
        return
    engine._PERSISTED_CONNECTION_DIALECTS = (*persisted, _DuckDBDialectName(DUCKDB))  # type: ignore[assignment]


def open_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection: BI readers and a running build are never blocked by the validation."""
    return duckdb.connect(str(warehouse), read_only=True)


def checked_table(table: str) -> str:
    if not _TABLE_NAME.fullmatch(table):
        raise ValueError(f"not a schema.table name: {table!r}")
    return table


def table_exists(connection: Queryable, table: str) -> bool:
    schema, name = checked_table(table).split(".")
    # fetchall, not fetchone: DuckDB refuses the next relation query on a connection with a result unfinished
    rows = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    return bool(rows and rows[0][0])


def add_warehouse_datasource(context: Any, warehouse: Path, spill: Path) -> Any:
    """GX's SQL datasource on the warehouse file, read-only, patched to work on DuckDB. Its DuckDB holds
    at most GX_MEMORY_LIMIT, a larger aggregate spilling into `spill`."""
    patch_gx_for_duckdb()
    config = {"memory_limit": GX_MEMORY_LIMIT, "temp_directory": str(spill)}
    return context.data_sources.add_sql(
        name="warehouse",
        connection_string=f"duckdb:///{warehouse}",
        kwargs={"connect_args": {"read_only": True, "config": config}},
    )


@contextmanager
def datasource_connection(datasource: Any) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection of GX's own engine, for the few queries GX does not answer (existence, the
    failing rows of a query expectation, the finding ids of the gate). DuckDB refuses a second connection
    to the file with another configuration in the same process, so it cannot be a connection of our own.
    duckdb_engine's wrapper passes execute and sql through to DuckDB."""
    raw = datasource.get_engine().raw_connection()
    try:
        yield cast(duckdb.DuckDBPyConnection, raw.driver_connection)
    finally:
        raw.close()


def close_datasource(datasource: Any) -> None:
    """Close every DuckDB connection GX holds: the one the patch keeps open and the engines' pools. DuckDB
    refuses a connection of another configuration to the file while any of them is open, and the report
    reads the warehouse with a connection of its own afterwards."""
    execution_engine = datasource.get_execution_engine()
    persisted = getattr(execution_engine, "_connection", None)
    if persisted is not None:
        persisted.close()
        execution_engine._connection = None
    execution_engine.engine.dispose()
    datasource.get_engine().dispose()


def add_mart_batch(datasource: Any, name: str, table: str) -> Any:
    """A query asset over the whole mart and its one batch definition."""
    asset = datasource.add_query_asset(name=name, query=f"select * from {checked_table(table)}")
    return asset.add_batch_definition_whole_table(name)


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _column(condition: Mapping[str, Any]) -> str:
    name = str(condition["column"]["name"])
    if not _COLUMN_NAME.fullmatch(name):
        raise ValueError(f"not a column name: {name!r}")
    return name


def condition_sql(condition: Mapping[str, Any]) -> str:
    """A GX row condition (the dict form the suites are written in) as a DuckDB boolean expression."""
    kind = condition["type"]
    if kind in ("and", "or"):
        return "(" + f" {kind} ".join(condition_sql(part) for part in condition["conditions"]) + ")"
    if kind == "nullity":
        return f"{_column(condition)} is {'' if condition['is_null'] else 'not '}null"
    if kind != "comparison":
        raise ValueError(f"row condition not supported: {json.dumps(condition)}")
    operator, parameter = condition["operator"], condition["parameter"]
    if operator in ("IN", "NOT_IN"):
        values = ", ".join(_literal(value) for value in parameter)
        return f"{_column(condition)} {'in' if operator == 'IN' else 'not in'} ({values})"
    sql_operator = {"==": "=", "!=": "<>"}.get(operator, operator)
    if sql_operator not in ("=", "<>", "<", "<=", ">", ">="):
        raise ValueError(f"operator not supported: {operator!r}")
    return f"{_column(condition)} {sql_operator} {_literal(parameter)}"


def unexpected_where(expectation_type: str, kwargs: Mapping[str, Any]) -> str | None:
    """The rows a column-value expectation counts as unexpected, as SQL (nulls are never unexpected in GX
    but for the null expectations); None for the kinds the gate never needs."""
    column = _column({"column": {"name": kwargs["column"]}})
    values = ", ".join(_literal(value) for value in kwargs.get("value_set") or ())
    where = {
        "expect_column_values_to_not_be_in_set": f"{column} in ({values})",
        "expect_column_values_to_be_in_set": f"{column} is not null and {column} not in ({values})",
        "expect_column_values_to_not_be_null": f"{column} is null",
        "expect_column_values_to_be_null": f"{column} is not null",
    }.get(expectation_type)
    if where is None:
        return None
    if kwargs.get("row_condition"):
        where += f" and {condition_sql(kwargs['row_condition'])}"
    return where
