"""What the "same answers on every engine" tests compare, shared by tests/postgres and tests/spark.

Every finding of `fct_identity_checks` (finding id, rule, status, provided, expected, difference,
tolerance) and the published ("golden") figures must be equal on DuckDB and on the other engine: decimals
exactly, as decimal.Decimal, codes as text. Queries are written once, with `{marts}` for the marts schema
and parameters as %(name)s; each engine's query function adapts them.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import duckdb

from tests.conftest import PROJECT_DIR

DBT = str(Path(sys.executable).parent / "dbt")
SAMPLE = "luzhou-hrss-2020"
FINDING_COLUMNS = (
    "finding_id, disclosure_id, rule_id, subject, status, "
    "provided_value, expected_value, difference, tolerance"
)
MARTS = (
    "dim_disclosure", "dim_functional_classification", "fct_expenditure_by_function",
    "fct_basic_expenditure_by_economic_class", "fct_three_public_expenses", "fct_project_execution",
    "fct_performance_indicators", "fct_summary_lines", "fct_printed_tables", "fct_load_reconciliation",
    "fct_rejected_rows", "fct_identity_checks", "fct_disclosure_quality", "fct_findings_reviewed",
    "fct_stale_acknowledgements", "fct_rule_family_coverage", "fct_disclosure_mart_coverage",
)  # fmt: skip
# The published figures tests/test_golden_figures.py pins on DuckDB, as queries on any engine's marts.
GOLDEN_QUERIES = {
    "actual by function": (
        "select function_code, actual_amount from {marts}.fct_expenditure_by_function "
        "where disclosure_id = %(d)s and fund_type = 'general_public_budget' order by function_code"
    ),
    "total of the classes": (
        "select sum(actual_amount) from {marts}.fct_expenditure_by_function "
        "where disclosure_id = %(d)s and function_level = '类'"
    ),
    "lines per level": (
        "select function_level, count(*) from {marts}.fct_expenditure_by_function "
        "where disclosure_id = %(d)s group by function_level order by function_level"
    ),
    "三公": (
        "select item_code, actual_amount, change_amount_stated from {marts}.fct_three_public_expenses "
        "where disclosure_id = %(d)s order by item_code"
    ),
    "projects": (
        "select project_name, budget_amount, executed_amount, execution_rate, execution_rate_stated_pct "
        "from {marts}.fct_project_execution where disclosure_id = %(d)s order by project_name"
    ),
    "cost groups": (
        "select cost_group, sum(actual_amount) from {marts}.fct_basic_expenditure_by_economic_class "
        "where disclosure_id = %(d)s group by cost_group order by cost_group"
    ),
    "names flagged": (
        "select function_code, function_name_printed from {marts}.fct_expenditure_by_function "
        "where disclosure_id = %(d)s and name_match_status = 'mismatch' order by function_code"
    ),
    "indicators": (
        "select project_id, indicator_no, target_kind, target_number, target_unit, actual_number, direction, "
        "completion_ratio from {marts}.fct_performance_indicators where disclosure_id = %(d)s "
        "order by project_id, indicator_no"
    ),
    "reconciliation": (
        "select raw_file_name, raw_rows, accepted_rows, rejected_rows from {marts}.fct_load_reconciliation "
        "order by raw_file_name"
    ),
    "quality": (
        "select disclosure_id, pass_count, rounding_count, fail_count, not_applicable_count, "
        "insufficient_data_count from {marts}.fct_disclosure_quality order by disclosure_id"
    ),
}

# A query on one engine's marts: `{marts}` names the marts schema, parameters are written %(name)s.
Query = Callable[..., list[tuple[object, ...]]]


def dbt_build(env: dict[str, str], *args: str) -> float:
    """`dbt build` (models, seeds, data and unit tests); the seconds it took. Fails the test if dbt fails."""
    started = time.monotonic()
    result = subprocess.run(
        [DBT, "build", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    return time.monotonic() - started


def findings(query: Query) -> dict[str, tuple[object, ...]]:
    rows = query(f"select {FINDING_COLUMNS} from {{marts}}.fct_identity_checks")
    by_id = {str(row[0]): row for row in rows}
    assert len(by_id) == len(rows), "finding ids are unique"
    return by_id


def assert_same_findings(on_duckdb: Query, on_other: Query, engine: str) -> dict[str, tuple[object, ...]]:
    """Every finding equal on DuckDB and the other engine, decimals as Decimal; returns the other's."""
    duck, other = findings(on_duckdb), findings(on_other)
    differing = {
        finding: (duck.get(finding), other.get(finding))
        for finding in sorted(duck.keys() | other.keys())
        if duck.get(finding) != other.get(finding)
    }
    first = list(differing.items())[:10]
    assert not differing, f"{len(differing)} findings differ (duckdb, {engine}): {first}"
    for row in other.values():
        for value in row[5:]:
            assert value is None or isinstance(value, Decimal), row
        assert all(isinstance(code, str) for code in row[:5]), row
    return other


def assert_sample_findings(findings_by_id: dict[str, tuple[object, ...]]) -> None:
    """The sample's findings on another engine: every rule answers, and a contradiction the README tells."""
    rules = {row[2] for row in findings_by_id.values()}
    assert len(rules) == 56, "every rule answers for the disclosure"
    failing = {(row[2], row[5], row[6]) for row in findings_by_id.values() if row[4] == "fail"}
    assert ("PERF-05", Decimal("78.1338461538"), Decimal("90")) in failing


def assert_golden_figures(query: Query) -> None:
    """A few of the published figures, read on one engine alone."""
    by_function = dict(query(GOLDEN_QUERIES["actual by function"], {"d": SAMPLE}))
    total = query(GOLDEN_QUERIES["total of the classes"], {"d": SAMPLE})
    three_public = {row[0]: row[1:] for row in query(GOLDEN_QUERIES["三公"], {"d": SAMPLE})}
    groups = dict(query(GOLDEN_QUERIES["cost groups"], {"d": SAMPLE}))
    assert by_function["208"] == Decimal("5548.18")
    assert by_function["2080101"] == Decimal("916.69")
    assert total == [(Decimal("6216.24"),)]
    assert three_public["three_public_total"][0] == Decimal("17.98")
    assert three_public["vehicle_total"] == (Decimal("12.31"), Decimal("-2.58"))
    assert groups == {"人员经费": Decimal("1669.98"), "公用经费": Decimal("165.41")}


def differences(left: Path, right: Path, schema: str) -> dict[str, tuple[int, int, int]]:
    """Per table of `schema` in the DuckDB file `right`: rows only in left, rows only in right (as
    multisets, `except all`), and rows in right."""
    with duckdb.connect() as connection:
        connection.execute(f"attach '{left}' as left_side (read_only)")
        connection.execute(f"attach '{right}' as right_side (read_only)")
        tables = [
            str(name)
            for (name,) in connection.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'right_side' and table_schema = ? order by 1",
                [schema],
            ).fetchall()
        ]
        found = {}
        for table in tables:
            left_table = f'left_side.{schema}."{table}"'
            right_table = f'right_side.{schema}."{table}"'
            row = connection.execute(
                f"select (select count(*) from (from {left_table} except all from {right_table})), "
                f"(select count(*) from (from {right_table} except all from {left_table})), "
                f"(select count(*) from {right_table})"
            ).fetchone()
            assert row is not None
            found[table] = (int(row[0]), int(row[1]), int(row[2]))
    return found
