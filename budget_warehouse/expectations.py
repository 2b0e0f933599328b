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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from budget_warehouse.gx_duckdb import add_warehouse_datasource, open_read_only, read_table
from budget_warehouse.warehouse_paths import EXPECTATIONS_DIR

SEVERITIES = ("critical", "warning", "info")


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


def _gx_context(data_docs_dir: Path | None) -> Any:
    # Analytics off before GX is imported: stewards often work on closed networks, and GX must never try.
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

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


def _columns(kwargs: Mapping[str, Any]) -> str:
    if "column" in kwargs:
        return str(kwargs["column"])
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    return "(table)"


def _row_label(row: Mapping[str, Any], row_id_columns: Iterable[str]) -> str:
    return ", ".join(f"{column}={row.get(column)}" for column in row_id_columns)


def _outcome(suite: Suite, result: Any) -> ExpectationOutcome:
    config = result.expectation_config
    details = dict(result.result or {})
    index_rows = [row for row in details.get("unexpected_index_list") or [] if isinstance(row, dict)]
    finding_ids = tuple(str(row["finding_id"]) for row in index_rows if "finding_id" in row)
    observed = details.get("observed_value")
    return ExpectationOutcome(
        suite=suite.name,
        table=suite.table,
        expectation_type=str(config.type),
        description=str(config.description or config.type),
        columns=_columns(config.kwargs),
        severity=str(config.severity.value),
        success=bool(result.success),
        acknowledgeable=bool((config.meta or {}).get("acknowledgeable", False)),
        unexpected_count=int(details.get("unexpected_count") or 0),
        failing_rows=tuple(_row_label(row, suite.row_id_columns) for row in index_rows),
        finding_ids=finding_ids if "finding_id" in suite.row_id_columns else (),
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


def validate(
    warehouse: Path, suites: list[Suite], data_docs_dir: Path | None = None
) -> list[ExpectationOutcome]:
    """Validate every suite against the warehouse, opened read-only; write GX Data Docs if asked."""
    import great_expectations as gx

    context = _gx_context(data_docs_dir)
    datasource = add_warehouse_datasource(context)
    outcomes: list[ExpectationOutcome] = []
    with open_read_only(warehouse) as connection:
        for suite in suites:
            try:
                frame = read_table(connection, suite.table)
            except duckdb.CatalogException as missing:
                # a mart the build did not make cannot be validated: that is a critical failure, not a crash
                outcomes.append(_missing_table(suite, str(missing)))
                continue
            batch = datasource.add_dataframe_asset(name=suite.name).add_batch_definition_whole_dataframe(
                suite.name
            )
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
                gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite)
            )
            result = definition.run(
                batch_parameters={"dataframe": frame},
                result_format={
                    "result_format": "COMPLETE",
                    "unexpected_index_column_names": list(suite.row_id_columns),
                },
            )
            outcomes.extend(_outcome(suite, expectation_result) for expectation_result in result.results)
    if data_docs_dir is not None:
        context.build_data_docs()
    severity_rank = {severity: rank for rank, severity in enumerate(SEVERITIES)}
    return sorted(
        outcomes, key=lambda outcome: (outcome.success, severity_rank[outcome.severity], outcome.suite)
    )
