"""Great Expectations on the published PostgreSQL schemas: GX's own PostgreSQL datasource, no patch needed.

The suites are written for DuckDB's schema names (`marts.x`) and SQL. On PostgreSQL each suite's table is the
prefixed schema's (`budget_warehouse_marts.x`), and the one DuckDB-only function the suites' SQL uses,
`regexp_full_match(column, 'pattern')`, becomes PostgreSQL's `column ~ '^(?:pattern)$'` (both engines
read the same pattern syntax for what the suites use: classes, counted repeats, non-capturing groups). The
JSON files stay as they are: the DuckDB path runs them unchanged.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import Any

from sqlalchemy.engine import URL

from budget_warehouse.expectations import UNEXPECTED_ROWS, Suite
from budget_warehouse.pg_warehouse import qualify

# regexp_full_match(<column>, '<pattern>'), the pattern a SQL literal ('' inside it is a quote)
_FULL_MATCH = re.compile(r"regexp_full_match\(\s*([a-z_][a-z0-9_]*)\s*,\s*'((?:[^']|'')*)'\s*\)")


def connection_string() -> str:
    """A SQLAlchemy URL built from the libpq variables, so GX reaches the server the nightly built on."""
    port = os.environ.get("PGPORT")
    url = URL.create(
        "postgresql+psycopg2",
        username=os.environ.get("PGUSER"),
        password=os.environ.get("PGPASSWORD"),
        host=os.environ.get("PGHOST", "localhost"),
        port=int(port) if port else None,
        database=os.environ.get("PGDATABASE"),
    )
    return url.render_as_string(hide_password=False)


def add_postgres_datasource(context: Any) -> Any:
    return context.data_sources.add_postgres(name="warehouse", connection_string=connection_string())


def portable_sql(query: str) -> str:
    return _FULL_MATCH.sub(lambda match: f"({match.group(1)} ~ '^(?:{match.group(2)})$')", query)


def postgres_suite(suite: Suite, prefix: str) -> Suite:
    """The suite against the published schemas of `prefix`, its SQL in PostgreSQL's dialect."""
    expectations = []
    for expectation in suite.definition["expectations"]:
        if expectation.get("type") == UNEXPECTED_ROWS:
            kwargs = dict(expectation["kwargs"])
            # a query may name another mart (marts.x) beside its batch: the published schema of the prefix
            query = qualify(str(kwargs["unexpected_rows_query"]), prefix)
            kwargs["unexpected_rows_query"] = portable_sql(query)
            expectation = {**expectation, "kwargs": kwargs}
        expectations.append(expectation)
    definition = {**suite.definition, "expectations": expectations}
    return replace(suite, table=qualify(suite.table, prefix), definition=definition)
