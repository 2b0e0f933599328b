"""The stewards' review: decisions loaded and shown, the nightly gate, the run summary, the exports."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from budget_warehouse.report import finding_ids_in_json, write_findings_csv
from budget_warehouse.review import read_findings
from budget_warehouse.validate import GATE_FAILED, LATEST
from tests.conftest import PROJECT_DIR, NightlyRun, project_env, run_nightly

ACKNOWLEDGEMENTS = Path("seeds") / "steward_acknowledgements.csv"
# What a clean checkout holds: the project copy a test may change without touching the repository.
NOT_IN_A_CHECKOUT = shutil.ignore_patterns(
    ".git",
    ".venv",
    "target",
    "logs",
    "warehouse",
    "reports",
    "test-artifacts",
    ".*_cache",
    "__pycache__",
    "*.egg-info",
)


def failing_count(connection: duckdb.DuckDBPyConnection) -> int:
    row = connection.execute(
        "select count(*) from marts.fct_identity_checks where status = 'fail'"
    ).fetchone()
    assert row is not None
    return int(row[0])


def run_dirs(reports: Path) -> list[Path]:
    return sorted(path for path in reports.iterdir() if path.is_dir() and path.name[0].isdigit())


def test_a_fresh_nightly_passes_the_gate_and_says_how_many_were_acknowledged(
    sample_nightly: NightlyRun, marts: duckdb.DuckDBPyConnection
) -> None:
    stdout = sample_nightly.result.stdout
    assert sample_nightly.result.returncode == 0, (
        "the sample must ship with a steward's decision on every finding that trips a critical expectation; "
        "`make unacknowledged` lists those without one:\n"
        + stdout[-3000:]
        + sample_nightly.result.stderr[-2000:]
    )
    failing = failing_count(marts)
    assert f"findings: {failing} failing; {failing} new since the last run (no earlier run)" in stdout
    assert f"{failing} acknowledged, 0 not acknowledged" in stdout
    assert "gate: passed" in stdout

    (run_dir,) = run_dirs(sample_nightly.reports)
    for report in (run_dir, sample_nightly.reports / LATEST):
        for name in (
            "index.html",
            "findings.json",
            "findings.csv",
            "gx_data_docs/index.html",
            "dbt_docs/index.html",
        ):
            assert (report / name).is_file(), report / name


def test_every_failing_finding_is_exported_with_its_exact_numbers_and_decision(
    sample_nightly: NightlyRun, marts: duckdb.DuckDBPyConnection
) -> None:
    findings = {finding.finding_id: finding for finding in read_findings(marts)}
    exported = json.loads((sample_nightly.reports / LATEST / "findings.json").read_text(encoding="utf-8"))
    with (sample_nightly.reports / LATEST / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        csv_ids = [row["finding_id"] for row in csv.DictReader(handle)]

    assert {record["finding_id"] for record in exported["findings"]} == set(findings)
    assert sorted(csv_ids) == sorted(findings)
    for record in exported["findings"]:
        finding = findings[record["finding_id"]]
        for column in ("provided_value", "expected_value", "difference"):
            value = getattr(finding, column)
            assert record[column] is None if value is None else Decimal(record[column]) == value
        assert record["decision"] == finding.decision
        assert record["decided_by"] == finding.decided_by


def test_every_decision_is_loaded_and_shown_with_its_finding_or_reported_stale(
    marts: duckdb.DuckDBPyConnection,
) -> None:
    with (PROJECT_DIR / ACKNOWLEDGEMENTS).open(encoding="utf-8", newline="") as handle:
        decisions = {row["finding_id"]: row for row in csv.DictReader(handle)}
    shown = dict(
        marts.execute(
            "select finding_id, decision from marts.fct_findings_reviewed where decision is not null"
        ).fetchall()
    )
    stale = {
        finding_id
        for (finding_id,) in marts.execute(
            "select finding_id from marts.fct_stale_acknowledgements"
        ).fetchall()
    }
    assert set(shown) | stale == set(decisions)
    assert all(shown[finding_id] == decisions[finding_id]["decision"] for finding_id in shown)


def test_findings_csv_neutralises_cells_a_spreadsheet_would_run(
    tmp_path: Path, marts: duckdb.DuckDBPyConnection
) -> None:
    (finding, *_) = read_findings(marts, where="true")
    hostile = replace(
        finding,
        message_zh='=HYPERLINK("http://example.invalid","点击")',
        subject_name="+1+1",
        subject="-2+3",
        decision_note="@SUM(A1:A2)",
        source_sections="\t=1",
        provided_value=Decimal("-178.66"),
        difference=Decimal("-0.01"),
    )
    # DuckDB writes the file: the hostile finding goes in as a table of the findings mart's columns
    marts.execute(
        "create temporary table hostile_findings as "
        "select * from marts.fct_findings_reviewed where finding_id = ?",
        [finding.finding_id],
    )
    marts.execute(
        "update hostile_findings set status = 'fail', message_zh = ?, subject_name = ?, subject = ?, "
        "decision_note = ?, source_sections = ?, provided_value = ?, difference = ?",
        [
            hostile.message_zh,
            hostile.subject_name,
            hostile.subject,
            hostile.decision_note,
            hostile.source_sections,
            hostile.provided_value,
            hostile.difference,
        ],
    )
    path = tmp_path / "findings.csv"
    write_findings_csv(marts, path, 1, relation="hostile_findings")

    with path.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["message_zh"] == "'" + hostile.message_zh
    assert row["subject_name"] == "'+1+1"
    assert row["subject"] == "'-2+3"
    assert row["decision_note"] == "'@SUM(A1:A2)"
    assert row["source_sections"] == "'\t=1"
    assert row["finding_id"] == finding.finding_id
    # numbers stay numbers: a negative amount is not a formula
    assert row["provided_value"] == "-178.66"
    assert row["difference"] == "-0.01"


def test_removing_an_acknowledgement_fails_the_nightly_and_restoring_it_passes(
    tmp_path: Path, marts: duckdb.DuckDBPyConnection
) -> None:
    row = marts.execute(
        "select finding_id from marts.fct_findings_reviewed "
        "where status = 'fail' and severity = 'error' and decision is not null order by finding_id limit 1"
    ).fetchone()
    assert row is not None, "the sample has no acknowledged finding of severity error to toggle"
    finding_id = str(row[0])
    acknowledged = failing_count(marts)

    # the repository's seed is never touched: the nightly job runs in a copy of the project
    project = tmp_path / "project"
    shutil.copytree(PROJECT_DIR, project, ignore=NOT_IN_A_CHECKOUT)
    seed = project / ACKNOWLEDGEMENTS
    original = seed.read_text(encoding="utf-8")
    seed.write_text(
        "".join(line for line in original.splitlines(keepends=True) if not line.startswith(finding_id + ",")),
        encoding="utf-8",
    )
    warehouse = tmp_path / "budget_warehouse.duckdb"

    removed = run_nightly(tmp_path, warehouse, project_dir=project)
    assert removed.returncode == GATE_FAILED, removed.stdout[-3000:] + removed.stderr[-3000:]
    assert "gate: FAILED" in removed.stdout
    assert finding_id in removed.stdout
    assert f"{acknowledged - 1} acknowledged, 1 not acknowledged" in removed.stdout
    listing = subprocess.run(
        [sys.executable, "-m", "budget_warehouse.review", str(warehouse)],
        cwd=project,
        env=project_env(tmp_path, warehouse),
        capture_output=True,
        text=True,
        check=True,
    )
    assert finding_id in listing.stdout
    assert "1 failing findings without a decision" in listing.stdout

    # restored, plus a decision on a finding that does not exist and one recorded under the older,
    # 12-hex-digit form of an id: both reported as stale, never a failure; the second names its finding
    older_form = finding_id[:14]
    seed.write_text(
        original
        + "F-ffffffffffffffff,accepted,测试,2021-10-01,a finding that no longer exists\n"
        + f"{older_form},accepted,测试,2021-10-01,recorded before ids were widened\n",
        encoding="utf-8",
    )
    restored = run_nightly(tmp_path, warehouse, project_dir=project)
    assert restored.returncode == 0, restored.stdout[-3000:] + restored.stderr[-3000:]
    assert "gate: passed" in restored.stdout
    assert "0 new since the last run, 0 resolved since the last run" in restored.stdout
    assert f"{acknowledged} acknowledged, 0 not acknowledged; 2 stale decisions" in restored.stdout
    with duckdb.connect(str(warehouse), read_only=True) as published:
        stale = published.execute(
            "select finding_id, current_finding_id from marts.fct_stale_acknowledgements order by 1"
        ).fetchall()
    assert stale == [(older_form, finding_id), ("F-ffffffffffffffff", None)]
    assert len(run_dirs(tmp_path / "reports")) == 2, "each run keeps its own report"


def validate_after(tmp_path: Path, sample_nightly: NightlyRun, last_run: dict[str, Any]) -> str:
    """Validate the sample's warehouse with `last_run` as the last report's findings.json; its output."""
    reports = tmp_path / "reports"
    (reports / LATEST).mkdir(parents=True)
    (reports / LATEST / "findings.json").write_text(json.dumps(last_run), encoding="utf-8")
    validation = subprocess.run(
        [sys.executable, "-m", "budget_warehouse.validate"],
        cwd=PROJECT_DIR,
        env=project_env(tmp_path, sample_nightly.warehouse),
        capture_output=True,
        text=True,
        check=False,
    )
    assert validation.returncode == 0, validation.stdout[-3000:] + validation.stderr[-3000:]
    return validation.stdout


def test_the_summary_counts_new_and_resolved_findings_against_the_last_run(
    tmp_path: Path, sample_nightly: NightlyRun, marts: duckdb.DuckDBPyConnection
) -> None:
    # the last run, as its report recorded it: one of today's findings was not failing yet, and one
    # finding failed then that does not fail now
    last_run = json.loads((sample_nightly.reports / LATEST / "findings.json").read_text(encoding="utf-8"))
    assert last_run["findings"], "the sample has no failing finding to compare"
    newly_failing = last_run["findings"].pop()
    last_run["findings"].append({**newly_failing, "finding_id": "F-000000000000000a"})

    output = validate_after(tmp_path, sample_nightly, last_run)

    failing = failing_count(marts)
    assert f"findings: {failing} failing; 1 new since the last run, 1 resolved since the last run" in output
    latest = json.loads((tmp_path / "reports" / LATEST / "findings.json").read_text(encoding="utf-8"))
    assert newly_failing["finding_id"] in {record["finding_id"] for record in latest["findings"]}


def test_a_last_run_with_ids_of_the_older_form_counts_nothing_new_or_resolved(
    tmp_path: Path, sample_nightly: NightlyRun, marts: duckdb.DuckDBPyConnection
) -> None:
    # ids had 12 hex digits before they were widened to 16: the first night after compares that many
    last_run = json.loads((sample_nightly.reports / LATEST / "findings.json").read_text(encoding="utf-8"))
    for record in last_run["findings"]:
        assert len(record["finding_id"]) == len("F-") + 16
        record["finding_id"] = record["finding_id"][:14]

    output = validate_after(tmp_path, sample_nightly, last_run)

    failing = failing_count(marts)
    assert f"findings: {failing} failing; 0 new since the last run, 0 resolved since the last run" in output


def test_the_ids_of_a_findings_json_of_an_earlier_version_are_read_a_finding_at_a_time(
    tmp_path: Path,
) -> None:
    # the format reports wrote before findings.parquet: indented, then compact, read in blocks far smaller
    # than one finding so that every finding spans blocks
    records = [
        {
            "finding_id": f"F-{number:012x}",
            "message_zh": '含 "findings": [ 与 ] 的说明',
            "difference": "-0.01",
        }
        for number in range(300)
    ]
    document = {
        "generated_at": "2026-01-01T00:00:00+00:00",
        "warehouse": 'w "findings": [',
        "findings": records,
    }
    path = tmp_path / "findings.json"
    for text in (json.dumps(document, ensure_ascii=False, indent=2), json.dumps(document)):
        path.write_text(text + "\n", encoding="utf-8")
        assert list(finding_ids_in_json(path, block=16)) == [record["finding_id"] for record in records]
