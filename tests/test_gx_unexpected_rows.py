"""expect_no_unexpected_rows answers as GX's unexpected_rows_expectation does, its query run once.

Both run side by side through GX's SQL datasource on a copy of the sample warehouse, on a query that
returns rows and one that returns none; every statement GX sends is seen by a SQLAlchemy event listener.
The day GX's own expectation runs its query once in the SUMMARY format, the subclass has no reason left.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from budget_warehouse.expectations import UNEXPECTED_ROWS, gx_context
from budget_warehouse.gx_duckdb import add_mart_batch, add_warehouse_datasource, close_datasource

FAILING = "select disclosure_id as {marker} from {{batch}}"
PASSING = "select disclosure_id as {marker} from {{batch}} where disclosure_id is null"


@contextmanager
def _statements() -> Iterator[list[str]]:
    """Every statement any SQLAlchemy engine executes meanwhile."""
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def _run(
    warehouse: Path, expectations: list[dict[str, Any]], result_format: str
) -> tuple[list[Any], list[str]]:
    import great_expectations as gx

    context = gx_context(None)
    with tempfile.TemporaryDirectory() as spill:
        datasource = add_warehouse_datasource(context, warehouse, Path(spill))
        try:
            suite = context.suites.add(gx.ExpectationSuite(name="probe", expectations=expectations))
            assert len(suite.expectations) == len(expectations)
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(
                    name="probe",
                    data=add_mart_batch(datasource, "probe", "marts.dim_disclosure"),
                    suite=suite,
                )
            )
            with _statements() as statements:
                result = definition.run(result_format={"result_format": result_format})
        finally:
            close_datasource(datasource)
    return list(result.results), statements


@pytest.mark.parametrize("query", [FAILING, PASSING], ids=["rows come back", "no row comes back"])
def test_the_answer_is_gx_s_and_the_query_runs_once(
    tmp_path: Path, sample_warehouse: Path, query: str
) -> None:
    warehouse = tmp_path / "copy.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        (disclosures,) = connection.execute("select count(*) from marts.dim_disclosure").fetchone() or (0,)
    expectations = [
        {"type": UNEXPECTED_ROWS, "kwargs": {"unexpected_rows_query": query.format(marker="ours")}},
        {
            "type": "unexpected_rows_expectation",
            "kwargs": {"unexpected_rows_query": query.format(marker="gx_s")},
        },
    ]
    results, statements = _run(warehouse, expectations, "SUMMARY")
    ours, gx_s = (
        next(r for r in results if r.expectation_config.type == kind)
        for kind in (UNEXPECTED_ROWS, "unexpected_rows_expectation")
    )
    assert (ours.success, ours.result) == (gx_s.success, gx_s.result)
    assert ours.result["observed_value"] == (disclosures if query == FAILING else 0)
    assert sum(" as ours " in statement for statement in statements) == 1
    assert sum(" as gx_s " in statement for statement in statements) == 2

    # COMPLETE asks for the rows: then it reads them as GX's does
    results, _ = _run(warehouse, expectations, "COMPLETE")
    ours, gx_s = (
        next(r for r in results if r.expectation_config.type == kind)
        for kind in (UNEXPECTED_ROWS, "unexpected_rows_expectation")
    )
    assert ours.success == gx_s.success
    assert len(ours.result["details"]["unexpected_rows"]) == len(gx_s.result["details"]["unexpected_rows"])


def test_gx_s_column_reflection_beside_its_kept_connection_fails_nothing(
    tmp_path: Path, sample_warehouse: Path
) -> None:
    """GX keeps one DuckDB connection (gx_duckdb); its column reflection opens another SQLAlchemy connection
    on the same DuckDB connection. Unpatched, that begin failed within the kept connection's transaction and
    GX computed the whole pass of metrics again: here, the query of each expectation ran twice."""
    import sqlalchemy as sa

    warehouse = tmp_path / "copy.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    context = gx_context(None)
    datasource = add_warehouse_datasource(context, warehouse, tmp_path)
    try:
        engine = datasource.get_execution_engine()
        assert engine.execute_query(sa.text("select 1")).fetchall() == [(1,)]
        with engine.engine.connect() as reflection:
            assert reflection.execute(sa.text("select 2")).fetchall() == [(2,)]
    finally:
        close_datasource(datasource)

    # a suite whose first pass holds both kinds: the queries of the kept connection and the reflection
    expectations = [
        {"type": UNEXPECTED_ROWS, "kwargs": {"unexpected_rows_query": FAILING.format(marker="first")}},
        {"type": UNEXPECTED_ROWS, "kwargs": {"unexpected_rows_query": PASSING.format(marker="second")}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "disclosure_id"}},
    ]
    results, statements = _run(warehouse, expectations, "SUMMARY")
    assert all(result.exception_info.get("raised_exception") is False for result in results)
    assert sum(" as first " in statement for statement in statements) == 1
    assert sum(" as second " in statement for statement in statements) == 1
