"""The expectation suites (expectations/*.json), validated by Great Expectations against the warehouse.

Each suite names the mart it is about (`meta.table`) and the columns that identify a row
(`meta.row_id_columns`), so that a failed expectation says which rows failed: finding ids for the findings
mart, grain columns elsewhere. Each expectation carries GX's own `severity` field (critical, warning or
info). GX treats it as a label only (a failed warning still makes a GX run unsuccessful), so the gate is
decided in budget_warehouse.review from the critical failures, not from GX's overall success.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from budget_warehouse.gx_duckdb import (
    add_mart_batch,
    add_warehouse_datasource,
    close_datasource,
    datasource_connection,
    table_exists,
    unexpected_where,
)
from budget_warehouse.pg_warehouse import PostgresReader
from budget_warehouse.warehouse_paths import EXPECTATIONS_DIR

# DuckDB's own connection, or the PostgreSQL reader on the published schemas
SuiteConnection = duckdb.DuckDBPyConnection | PostgresReader

SEVERITIES = ("critical", "warning", "info")
# How many failing rows an outcome names (GX's partial list): the report and the summary show a sample, and
# memory stays flat however many rows fail. The gate reads the complete finding ids with its own query.
SHOWN_FAILING_ROWS = 20
# GX's unexpected_rows_expectation, its query run once (budget_warehouse.gx_unexpected_rows)
UNEXPECTED_ROWS = "expect_no_unexpected_rows"


@dataclass(frozen=True)
class Suite:
    """One suite file: its name, the mart it validates, the columns naming a row, the JSON as written."""

    name: str
    table: str
    row_id_columns: tuple[str, ...]
    definition: Mapping[str, Any]

    @property
    def expectation_count(self) -> int:
        return len(self.definition["expectations"])


@dataclass(frozen=True)
class ExpectationOutcome:
    """What one expectation found: enough for the gate, the summary and the report."""

    suite: str
    table: str
    expectation_type: str
    description: str
    columns: str
    severity: str
    success: bool
    acknowledgeable: bool
    unexpected_count: int
    failing_rows: tuple[str, ...]
    finding_ids: tuple[str, ...]
    observed_value: str | None
    exception: str | None


def load_suites(directory: Path = EXPECTATIONS_DIR) -> list[Suite]:
    """Every suite file, checked: GX would silently drop an expectation it cannot build, or default a
    missing severity to critical, so both are refused here instead."""
    suites = []
    for path in sorted(directory.glob("*.json")):
        definition = json.loads(path.read_text(encoding="utf-8"))
        meta = definition.get("meta", {})
        for required in ("table", "row_id_columns"):
            if required not in meta:
                raise ValueError(f"{path.name}: meta.{required} is missing")
        for position, expectation in enumerate(definition["expectations"], start=1):
            if expectation.get("severity") not in SEVERITIES:
                raise ValueError(f"{path.name}: expectation {position} needs a severity of {SEVERITIES}")
            if not expectation.get("description"):
                raise ValueError(f"{path.name}: expectation {position} needs a description")
        suites.append(
            Suite(
                name=definition["name"],
                table=meta["table"],
                row_id_columns=tuple(meta["row_id_columns"]),
                definition=definition,
            )
        )
    if not suites:
        raise ValueError(f"no expectation suites in {directory}")
    return suites


def gx_context(data_docs_dir: Path | None) -> Any:
    # Analytics off before GX is imported: stewards often work on closed networks, and GX must never try.
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    # registers expect_no_unexpected_rows with GX, which the suites name
    import budget_warehouse.gx_unexpected_rows  # noqa: F401

    sites = {}
    if data_docs_dir is not None:
        sites["report"] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(data_docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        data_docs_sites=sites,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _exception_message(exception_info: Any) -> str | None:
    # GX reports one exception as a flat dict, several (one per metric) as a dict of dicts.
    if not exception_info:
        return None
    candidates = [exception_info] if "raised_exception" in exception_info else list(exception_info.values())
    messages = [
        str(candidate.get("exception_message"))
        for candidate in candidates
        if isinstance(candidate, dict) and candidate.get("raised_exception")
    ]
    return "; ".join(messages) or None


def _columns(kwargs: Mapping[str, Any], meta: Mapping[str, Any]) -> str:
    if "column" in meta:
        return str(meta["column"])
    if "column" in kwargs:
        return str(kwargs["column"])
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    return "(table)"


def _row_label(row: Mapping[str, Any], row_id_columns: Iterable[str]) -> str:
    """A failing row by its suite's id columns; a row of a query that has none of them (counts compared for
    the whole table) by its own columns."""
    named = [column for column in row_id_columns if column in row] or list(row)
    return ", ".join(f"{column}={row.get(column)}" for column in named)


def _batch_query(query: str, table: str) -> str:
    # GX fills {batch} with str.format, so a suite doubles the braces of a regex ({{16}}): format it alike
    return query.format(batch=f"(select * from {table})")


def _unexpected_rows(
    connection: SuiteConnection, suite: Suite, kwargs: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The first failing rows of an unexpected-rows expectation (GX returns only their count)."""
    if isinstance(connection, PostgresReader):
        return connection.first_rows(
            _batch_query(str(kwargs["unexpected_rows_query"]), suite.table), SHOWN_FAILING_ROWS
        )
    relation = connection.sql(_batch_query(str(kwargs["unexpected_rows_query"]), suite.table))
    rows = relation.limit(SHOWN_FAILING_ROWS).fetchall()
    return [dict(zip(relation.columns, row, strict=True)) for row in rows]


def failing_finding_ids(
    connection: SuiteConnection, suite: Suite, expectation_type: str, kwargs: Mapping[str, Any]
) -> tuple[str, ...]:
    """Every finding id an expectation on findings counts as unexpected, by SQL: the gate needs them all,
    GX returns a bounded sample. Empty for kinds of expectation that are not about values of rows."""
    if "finding_id" not in suite.row_id_columns or "column" not in kwargs:
        return ()
    where = unexpected_where(expectation_type, kwargs)
    if where is None:
        return ()
    rows = connection.execute(
        f"select finding_id from {suite.table} where {where} order by finding_id"
    ).fetchall()
    return tuple(str(finding_id) for (finding_id,) in rows)


def _outcome(suite: Suite, result: Any, connection: SuiteConnection) -> ExpectationOutcome:
    config = result.expectation_config
    details = dict(result.result or {})
    meta = dict(config.meta or {})
    kind = str(config.type)
    failed = not result.success and not _exception_message(result.exception_info)
    observed = details.get("observed_value")
    unexpected_count = int(details.get("unexpected_count") or 0)
    index_rows = [row for row in details.get("partial_unexpected_index_list") or [] if isinstance(row, dict)]
    if kind == UNEXPECTED_ROWS:
        unexpected_count = int(observed or 0)
        index_rows = _unexpected_rows(connection, suite, config.kwargs) if failed else []
    finding_ids: tuple[str, ...] = ()
    if failed:
        finding_ids = failing_finding_ids(connection, suite, kind, config.kwargs)
    return ExpectationOutcome(
        suite=suite.name,
        table=suite.table,
        expectation_type=kind,
        description=str(config.description or kind),
        columns=_columns(config.kwargs, meta),
        severity=str(config.severity.value),
        success=bool(result.success),
        acknowledgeable=bool(meta.get("acknowledgeable", False)),
        unexpected_count=unexpected_count,
        failing_rows=tuple(_row_label(row, suite.row_id_columns) for row in index_rows),
        finding_ids=finding_ids,
        observed_value=None if observed is None else str(observed),
        exception=_exception_message(result.exception_info),
    )


def _missing_table(suite: Suite, message: str) -> ExpectationOutcome:
    return ExpectationOutcome(
        suite=suite.name,
        table=suite.table,
        expectation_type="table_exists",
        description=f"{suite.table} exists in the warehouse.",
        columns="(table)",
        severity="critical",
        success=False,
        acknowledgeable=False,
        unexpected_count=0,
        failing_rows=(),
        finding_ids=(),
        observed_value=None,
        exception=message,
    )


def _result_format(suite: Suite) -> dict[str, Any]:
    return {
        "result_format": "SUMMARY",
        "partial_unexpected_count": SHOWN_FAILING_ROWS,
        "unexpected_index_column_names": list(suite.row_id_columns),
        # GX's own query for the failing rows drops the query asset's parentheses and the row condition
        "return_unexpected_index_query": False,
    }


def validate(
    warehouse: Path, suites: list[Suite], data_docs_dir: Path | None = None
) -> list[ExpectationOutcome]:
    """Validate every suite inside DuckDB (GX's SQL datasource, read-only); write GX Data Docs if asked."""

    context = gx_context(data_docs_dir)
    with tempfile.TemporaryDirectory(prefix="gx_spill_") as spill:
        datasource = add_warehouse_datasource(context, warehouse, Path(spill))
        try:
            with datasource_connection(datasource) as connection:
                outcomes = _validate_suites(context, datasource, suites, connection)
        finally:
            close_datasource(datasource)
    return _finish(context, outcomes, data_docs_dir)


def validate_postgres(
    prefix: str, suites: list[Suite], data_docs_dir: Path | None = None
) -> list[ExpectationOutcome]:
    """Validate every suite inside PostgreSQL, against the published schemas of `prefix` (GX's PostgreSQL
    datasource; the server named by the libpq variables)."""
    from budget_warehouse import pg_warehouse
    from budget_warehouse.gx_postgres import add_postgres_datasource, postgres_suite

    context = gx_context(data_docs_dir)
    datasource = add_postgres_datasource(context)
    try:
        with pg_warehouse.open_reader(prefix) as connection:
            outcomes = _validate_suites(
                context, datasource, [postgres_suite(suite, prefix) for suite in suites], connection
            )
    finally:
        close_datasource(datasource)
    return _finish(context, outcomes, data_docs_dir)


def _finish(
    context: Any, outcomes: list[ExpectationOutcome], data_docs_dir: Path | None
) -> list[ExpectationOutcome]:
    if data_docs_dir is not None:
        context.build_data_docs()
    severity_rank = {severity: rank for rank, severity in enumerate(SEVERITIES)}
    return sorted(
        outcomes, key=lambda outcome: (outcome.success, severity_rank[outcome.severity], outcome.suite)
    )


def _validate_suites(
    context: Any, datasource: Any, suites: list[Suite], connection: SuiteConnection
) -> list[ExpectationOutcome]:
    import great_expectations as gx

    outcomes: list[ExpectationOutcome] = []
    for suite in suites:
        if not table_exists(connection, suite.table):
            # a mart the build did not make cannot be validated: that is a critical failure, not a crash
            outcomes.append(_missing_table(suite, f"Table {suite.table} does not exist in the warehouse"))
            continue
        gx_suite = context.suites.add(
            gx.ExpectationSuite(
                name=suite.name,
                expectations=[dict(expectation) for expectation in suite.definition["expectations"]],
                meta=dict(suite.definition["meta"]),
            )
        )
        if len(gx_suite.expectations) != suite.expectation_count:
            raise ValueError(f"{suite.name}: GX could not build every expectation (see its log)")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(
                name=suite.name, data=add_mart_batch(datasource, suite.name, suite.table), suite=gx_suite
            )
        )
        result = definition.run(result_format=_result_format(suite))
        outcomes.extend(
            _outcome(suite, expectation_result, connection) for expectation_result in result.results
        )
    return outcomes
