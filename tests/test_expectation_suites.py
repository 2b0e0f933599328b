"""The expectation suites: one at least per mart, every expectation with a severity, and run on the sample."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb

from budget_warehouse.expectations import SEVERITIES, ExpectationOutcome, load_suites, validate
from budget_warehouse.review import blocking_failures
from tests.conftest import NightlyRun, data_test_failures


def test_every_mart_has_a_suite(marts: duckdb.DuckDBPyConnection) -> None:
    mart_tables = {
        f"marts.{name}"
        for (name,) in marts.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    assert mart_tables <= {suite.table for suite in load_suites()}


def test_every_expectation_declares_severity_and_description() -> None:
    for suite in load_suites():
        for expectation in suite.definition["expectations"]:
            assert expectation["severity"] in SEVERITIES, (suite.name, expectation)
            assert expectation["description"], (suite.name, expectation)


def test_every_expectation_runs_on_the_engine(sample_nightly: NightlyRun) -> None:
    # the suites run as SQL inside DuckDB: no pandas row conditions, no regex expectations (unsupported for
    # the duckdb dialect); a suite that uses one fails with an exception, which the outcomes would show
    for suite in load_suites():
        for expectation in suite.definition["expectations"]:
            assert "condition_parser" not in expectation["kwargs"], (suite.name, expectation)
            assert "regex" not in expectation["type"], (suite.name, expectation)
    outcomes = json.loads((sample_nightly.reports / "latest" / "validation.json").read_text(encoding="utf-8"))
    assert [outcome for outcome in outcomes if outcome["exception"]] == []


def test_every_rule_family_has_a_critical_identity_expectation(marts: duckdb.DuckDBPyConnection) -> None:
    families = {
        family
        for (family,) in marts.execute("select distinct family from reference.rule_catalogue").fetchall()
    }
    findings_suite = next(suite for suite in load_suites() if suite.table == "marts.fct_identity_checks")
    conditions = [
        json.dumps(expectation["kwargs"]["row_condition"], ensure_ascii=False)
        for expectation in findings_suite.definition["expectations"]
        if expectation["severity"] == "critical" and expectation.get("meta", {}).get("acknowledgeable")
    ]
    for family in families:
        assert any(f'"{family}"' in condition for condition in conditions), family


def test_the_suites_ran_on_the_sample_and_gx_raised_nothing(sample_nightly: NightlyRun) -> None:
    outcomes = json.loads((sample_nightly.reports / "latest" / "validation.json").read_text(encoding="utf-8"))
    assert len(outcomes) == sum(suite.expectation_count for suite in load_suites())
    assert [outcome for outcome in outcomes if outcome["exception"]] == []
    # everything critical that is not about findings passes on the sample: grain, codes, rates, coverage
    failed_critical = [o for o in outcomes if o["severity"] == "critical" and not o["success"]]
    assert [o for o in failed_critical if not o["acknowledgeable"]] == []


def test_only_critical_failures_on_unacknowledged_findings_block() -> None:
    grain_broken = ExpectationOutcome(
        suite="fct_project_execution",
        table="marts.fct_project_execution",
        expectation_type="expect_compound_columns_to_be_unique",
        description="Grain: one row per disclosure x project.",
        columns="disclosure_id, project_id",
        severity="critical",
        success=False,
        acknowledgeable=False,
        unexpected_count=2,
        failing_rows=("disclosure_id=d, project_id=P1", "disclosure_id=d, project_id=P1"),
        finding_ids=(),
        observed_value=None,
        exception=None,
    )
    acknowledged_finding = replace(
        grain_broken,
        table="marts.fct_identity_checks",
        acknowledgeable=True,
        unexpected_count=1,
        finding_ids=("F-0000000000000001",),
    )
    open_finding = replace(acknowledged_finding, finding_ids=("F-0000000000000002",))
    warning_failed = replace(grain_broken, severity="warning")

    blockers = blocking_failures(
        [grain_broken, acknowledged_finding, open_finding, warning_failed], frozenset({"F-0000000000000001"})
    )

    assert [(blocker.outcome, blocker.unacknowledged) for blocker in blockers] == [
        (grain_broken, ()),
        (open_finding, ("F-0000000000000002",)),
    ]


def test_a_mart_missing_from_the_warehouse_blocks_instead_of_crashing(
    tmp_path: Path, sample_warehouse: Path
) -> None:
    warehouse = tmp_path / "without_coverage.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("drop table marts.fct_rule_family_coverage")
    suites = [suite for suite in load_suites() if suite.table == "marts.fct_rule_family_coverage"]

    (outcome,) = validate(warehouse, suites)

    assert (outcome.expectation_type, outcome.severity, outcome.success) == (
        "table_exists",
        "critical",
        False,
    )
    assert [blocker.outcome for blocker in blocking_failures([outcome], frozenset())] == [outcome]


def test_a_decision_recorded_twice_breaks_the_grain_of_the_reviewed_findings(
    tmp_path: Path, sample_nightly: NightlyRun
) -> None:
    """The view's grain is counted against fct_identity_checks, by the build's data test and by the suite."""
    warehouse = tmp_path / "decided_twice.duckdb"
    shutil.copyfile(sample_nightly.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        (finding_id,) = connection.execute(
            "select min(finding_id) from marts.fct_findings_reviewed where decision is null"
        ).fetchone() or ("",)
        for decision in ("accepted", "false_positive"):
            connection.execute(
                "insert into staging.stg_review__steward_acknowledgements "
                "(finding_id, decision, decided_by, decided_on) values (?, ?, '张三', date '2026-12-01')",
                [finding_id, decision],
            )
        (rows,) = connection.execute("select count(*) from marts.fct_identity_checks").fetchone() or (0,)
    suites = [suite for suite in load_suites() if suite.table == "marts.fct_findings_reviewed"]

    (grain,) = [outcome for outcome in validate(warehouse, suites) if outcome.description.startswith("Grain")]

    assert (grain.success, grain.severity) == (False, "critical")
    assert grain.failing_rows == (f"view_rows={rows + 1}, table_rows={rows}",)
    # the data test as the nightly's build ran it, on the file it built and on this one
    (test_file,) = (sample_nightly.warehouse.parent / "target" / "run").rglob(
        "fct_findings_reviewed_one_row_per_finding.sql"
    )
    test_sql = test_file.read_text(encoding="utf-8")
    for built, failures in ((sample_nightly.warehouse, 0), (warehouse, 1)):
        assert data_test_failures(built, test_sql) == failures, built
