"""Great Expectations on DuckDB, around GX 1.24's SQL datasource, which does not work on DuckDB as shipped.

GX reaches DuckDB through duckdb_engine and SQLAlchemy, and every metric fails there (GX issues 10738 and
11579: the rows are read after the connection has closed, so each metric query comes back empty and GX
raises "list index out of range"). The workaround, and all of it: read each mart from the warehouse,
opened read-only, into a pandas DataFrame and validate that with GX's pandas datasource (which also runs
the regex expectations GX does not support on the duckdb dialect).

Amounts turn into float64 in these DataFrames: that stays inside GX. Findings, money and the report are
read from DuckDB as exact decimals, never from here.

tests/test_gx_duckdb_workaround.py tries the SQL datasource on every test run; the day upstream fixes it,
that test fails and says to remove this module.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

# Tables come from our own suite files; still, only a plain schema.table name is ever put into SQL.
_TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*")


def open_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection: BI readers and a running build are never blocked by the validation."""
    return duckdb.connect(str(warehouse), read_only=True)


def read_table(connection: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """The whole table as a DataFrame, for GX's pandas datasource."""
    if not _TABLE_NAME.fullmatch(table):
        raise ValueError(f"not a schema.table name: {table!r}")
    return connection.sql(f"select * from {table}").df()


def add_warehouse_datasource(context: Any) -> Any:
    """GX's pandas datasource, standing in for its SQL datasource on the warehouse."""
    return context.data_sources.add_pandas(name="warehouse")
