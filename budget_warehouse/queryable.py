"""What the readers of the warehouse (publish guard, review, report) need of a connection, on any engine:
`execute(query, parameters)` and `fetchall()`/`fetchone()` on its result. A DuckDB connection is one; on
PostgreSQL, budget_warehouse.pg_warehouse.PostgresReader runs the same queries (DuckDB's schema names and
`?` parameters) against the published schemas."""

from __future__ import annotations

from typing import Any, Protocol


class Rows(Protocol):
    def fetchall(self) -> list[Any]: ...

    def fetchone(self) -> Any: ...


class Queryable(Protocol):
    def execute(self, query: str, parameters: Any = ..., /) -> Rows: ...
