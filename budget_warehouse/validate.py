"""Validate the published warehouse, write the stewards' report, print the summary, decide the gate.

Run by the nightly job after it has published a build, and alone as `make validate`
(`python -m budget_warehouse.validate`). The warehouse is only ever opened read-only. Each run writes
reports/<run timestamp>/ (index.html, findings.csv, findings.parquet, findings.json, validation.json, GX Data
Docs, dbt docs) and points reports/latest/ at it; earlier runs are kept. The last run's failing finding ids
(reports/latest/findings.parquet, or findings.json of an older report) are what "new" and "resolved" are
counted against. The failing findings are never all held in Python: counts and exports are DuckDB's, and
the disclosure pages are written a batch of disclosures at a time.

Exit status: 0, or GATE_FAILED when a critical expectation fails on something no steward has acknowledged.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from budget_warehouse import dbt_docs
from budget_warehouse.evidence import candidates, render_evidence
from budget_warehouse.expectations import ExpectationOutcome, load_suites, validate
from budget_warehouse.gx_duckdb import open_read_only
from budget_warehouse.queryable import Queryable, report_session
from budget_warehouse.report import (
    MEMORY_LIMIT,
    PagesData,
    ReportData,
    database_file,
    disclosure_pages_apart,
    load_previous_finding_ids,
    read_disclosure_summaries,
    read_rejected_rows,
    read_rejection_keys,
    write_report,
)
from budget_warehouse.review import (
    Blocker,
    RunComparison,
    blocking_failures,
    compare_runs,
    read_findings,
    read_stale_decisions,
)
from budget_warehouse.targets import published_reader_arguments
from budget_warehouse.warehouse_paths import inbox_path, published_path, reports_path

GATE_FAILED = 2
LATEST = "latest"
# Report folders kept (the newest); older runs are removed after each run.
KEEP_RUNS = 10
RUN_NAME = re.compile(r"\d{8}T\d{6}Z(-\d+)?")
# The summary stays short: the report and `make unacknowledged` list every row.
SHOWN_ROWS = 10


def new_run_dir(reports_root: Path, started: datetime) -> Path:
    """reports/<UTC timestamp>/, made unique when two runs start within the same second."""
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    candidate = reports_root / stamp
    suffix = 1
    while candidate.exists():
        suffix += 1
        candidate = reports_root / f"{stamp}-{suffix}"
    candidate.mkdir(parents=True)
    return candidate


def publish_latest(run_dir: Path, reports_root: Path) -> Path:
    """Point reports/latest at this run: a symbolic link swapped in by one rename, so the run is stored
    once and latest/ is never half-written (a latest/ folder of an older layout is replaced)."""
    latest = reports_root / LATEST
    incoming = reports_root / ".latest.incoming"
    incoming.unlink(missing_ok=True)
    incoming.symlink_to(run_dir.name, target_is_directory=True)
    if latest.is_dir() and not latest.is_symlink():
        shutil.rmtree(latest)
    os.replace(incoming, latest)
    return latest


def prune_runs(reports_root: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` run folders (never the one latest points at); returns the removed."""
    latest = (reports_root / LATEST).resolve()
    runs = sorted(
        (
            path
            for path in reports_root.iterdir()
            if path.is_dir() and not path.is_symlink() and RUN_NAME.fullmatch(path.name)
        ),
        key=lambda path: path.name,
    )
    removed = [path for path in runs[: max(len(runs) - keep, 0)] if path.resolve() != latest]
    for path in removed:
        shutil.rmtree(path)
    return removed


def runs_to_keep() -> int:
    """BUDGET_WAREHOUSE_KEEP_RUNS (at least 1), or KEEP_RUNS."""
    configured = os.environ.get("BUDGET_WAREHOUSE_KEEP_RUNS", "")
    return max(int(configured), 1) if configured.isdigit() else KEEP_RUNS


# the profile's target that reads the published DuckDB file read-only
DOCS_TARGET = "published_read_only"
# a run's dbt docs page, in its folder
DOCS_FOLDER = "dbt_docs"


def duckdb_catalog(warehouse: Path) -> list[tuple[object, ...]]:
    """Every table and view of the warehouse with its comment, and every column with its type and comment:
    what dbt's catalog reads of it."""
    with open_read_only(warehouse) as connection:
        relations = connection.execute(
            "select schema_name, table_name, comment from duckdb_tables() where not internal "
            "union all select schema_name, view_name, comment from duckdb_views() where not internal "
            "order by all"
        ).fetchall()
        columns = connection.execute(
            "select schema_name, table_name, column_index, column_name, data_type, comment "
            "from duckdb_columns() where not internal order by all"
        ).fetchall()
    return [*relations, *columns]


def start_dbt_docs(warehouse: Path, destination: Path, previous: Path | None) -> dbt_docs.DocsPage:
    """`dbt docs generate --static` against the warehouse opened read-only, in its own process; or the last
    run's page (previous: its docs folder) when neither the project nor the warehouse's columns changed."""
    read_only_path = {"BUDGET_WAREHOUSE_READ_ONLY_PATH": str(warehouse)}
    key = dbt_docs.docs_key(DOCS_TARGET, {**os.environ, **read_only_path}, duckdb_catalog(warehouse))
    return dbt_docs.start(DOCS_TARGET, destination, read_only_path, key, previous)


def start_dbt_docs_postgres(prefix: str, destination: Path, previous: Path | None) -> dbt_docs.DocsPage:
    """The same against the published PostgreSQL schemas (catalog queries only), generated every run."""
    return dbt_docs.start("postgres", destination, {"BUDGET_WAREHOUSE_PG_SCHEMA": prefix})


def summary_lines(
    outcomes: list[ExpectationOutcome],
    comparison: RunComparison,
    blockers: list[Blocker],
    stale_count: int,
    rejected: tuple[int, int],
) -> list[str]:
    failed = [outcome for outcome in outcomes if not outcome.success]
    by_severity = ", ".join(
        f"{sum(outcome.severity == severity for outcome in failed)} {severity}"
        for severity in ("critical", "warning", "info")
    )
    since = "" if comparison.has_previous else " (no earlier run)"
    lines = [
        f"validate: {len(outcomes)} expectations, {len(outcomes) - len(failed)} passed, "
        f"{len(failed)} failed ({by_severity})",
        f"findings: {comparison.failing} failing; {comparison.new} new since the last run{since}, "
        f"{comparison.resolved} resolved since the last run; "
        f"{len(comparison.acknowledged)} acknowledged, {comparison.unacknowledged} not acknowledged; "
        f"{stale_count} stale decisions",
    ]
    rejected_count, new_rejections = rejected
    if rejected_count:
        lines.append(
            f"not loaded: {rejected_count} raw record(s) or file(s), {new_rejections} new since the last run "
            "(marts.fct_rejected_rows; the report lists them)"
        )
    if not blockers and not new_rejections:
        lines.append("gate: passed, every critical failure is acknowledged")
        return lines
    if new_rejections:
        lines.append(f"gate: FAILED, {new_rejections} raw record(s) or file(s) newly not loaded")
    if not blockers:
        return lines
    lines.append(f"gate: FAILED, {len(blockers)} critical expectation(s) fail on something not acknowledged:")
    for blocker in blockers:
        rows = blocker.unacknowledged or blocker.outcome.failing_rows
        what = blocker.outcome.exception or ", ".join(rows[:SHOWN_ROWS]) + (
            f" ... ({len(rows)} in all)" if len(rows) > SHOWN_ROWS else ""
        )
        lines.append(f"  {blocker.outcome.table}: {blocker.outcome.description} [{what}]")
    lines.append("  `make unacknowledged` lists the findings that need a decision")
    return lines


def run_validation(warehouse: Path, reports_root: Path) -> int:
    """Validate, report, summarise; GATE_FAILED when the gate fails, else 0."""
    return _validate_and_report(
        reports_root,
        label=str(warehouse),
        run_suites=lambda data_docs: validate(warehouse, load_suites(), data_docs_dir=data_docs),
        open_reader=lambda: open_read_only(warehouse),
        start_docs=lambda destination, previous: start_dbt_docs(warehouse, destination, previous),
    )


def run_validation_postgres(prefix: str, reports_root: Path) -> int:
    """The same against the published PostgreSQL schemas `<prefix>_*` (the server of the libpq variables)."""
    from budget_warehouse import pg_warehouse
    from budget_warehouse.expectations import validate_postgres

    return _validate_and_report(
        reports_root,
        label=f"{pg_warehouse.database_label()}, schemas {prefix}_*",
        run_suites=lambda data_docs: validate_postgres(prefix, load_suites(), data_docs_dir=data_docs),
        open_reader=lambda: pg_warehouse.open_reader(prefix),
        start_docs=lambda destination, previous: start_dbt_docs_postgres(prefix, destination, previous),
    )


def _validate_and_report(
    reports_root: Path,
    label: str,
    run_suites: Callable[[Path], list[ExpectationOutcome]],
    open_reader: Callable[[], AbstractContextManager[Queryable]],
    start_docs: Callable[[Path, Path | None], dbt_docs.DocsPage],
) -> int:
    started = datetime.now(UTC)
    run_dir = new_run_dir(reports_root, started)
    previous_rejections = read_rejection_keys(reports_root / LATEST / "rejected_rows.json") or frozenset()
    # the run latest points at now (the link moves to this run at the end)
    previous_run_dir = (reports_root / LATEST).resolve() if (reports_root / LATEST).is_dir() else None

    # dbt's docs page needs only the published warehouse: it is generated beside the checks and the report
    run_dir.mkdir(parents=True, exist_ok=True)
    docs = start_docs(run_dir / DOCS_FOLDER, previous_run_dir / DOCS_FOLDER if previous_run_dir else None)
    try:
        with open_reader() as connection:
            # the printed region of the first failing findings on inbox PDFs, written into the run's folder
            evidence = render_evidence(candidates(connection, inbox_path()), inbox_path(), run_dir)
            disclosures = read_disclosure_summaries(connection)
            warehouse_file = database_file(connection)
        generated_at = started.isoformat(timespec="seconds")
        pages = PagesData(
            generated_at=generated_at,
            disclosures=disclosures,
            evidence_images=evidence,
            previous_run_dir=previous_run_dir,
        )
        # the disclosure pages need nothing of the expectations: they are rendered meanwhile
        with disclosure_pages_apart(run_dir, pages, warehouse_file) as pages_written:
            # GX opens the warehouse with a configuration of its own: no other connection of this process
            # may be open on it meanwhile
            outcomes = run_suites(run_dir / "gx_data_docs")
            with open_reader() as connection, tempfile.TemporaryDirectory(prefix="report_") as spill:
                # DuckDB's share of the report stays bounded: a larger sort spills here
                report_session(connection, Path(spill), MEMORY_LIMIT)
                has_previous = load_previous_finding_ids(connection, reports_root / LATEST)
                comparison = compare_runs(connection, has_previous)
                blockers = blocking_failures(outcomes, comparison.acknowledged)
                rejected_rows = read_rejected_rows(connection)
                new_rejections = frozenset(row.key for row in rejected_rows) - previous_rejections
                data = ReportData(
                    generated_at=generated_at,
                    warehouse=label,
                    disclosures=disclosures,
                    resolved_decisions=read_findings(connection, where="review_status = 'resolved'"),
                    stale_decisions=read_stale_decisions(connection),
                    outcomes=outcomes,
                    blockers=blockers,
                    comparison=comparison,
                    rejected_rows=rejected_rows,
                    new_rejection_keys=new_rejections,
                    evidence_images=evidence,
                    previous_run_dir=previous_run_dir,
                )
                page = write_report(run_dir, data, connection, pages_written)
    except BaseException:
        docs.stop()
        raise

    (run_dir / "validation.json").write_text(
        json.dumps([asdict(outcome) for outcome in outcomes], ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    if not docs.finish():
        print("validate: dbt docs generate failed; the report has no dbt docs this run", file=sys.stderr)
    latest = publish_latest(run_dir, reports_root)
    pruned = prune_runs(reports_root, runs_to_keep())

    rejected = (len(rejected_rows), len(new_rejections))
    for line in summary_lines(outcomes, comparison, blockers, len(data.stale_decisions), rejected):
        print(line)
    print(f"report: {page} (and {latest / 'index.html'})")
    if pages_written.reused:
        print(
            f"report: {pages_written.reused} of {pages_written.reused + pages_written.rendered} disclosure "
            "pages unchanged since the last run, linked from it"
        )
    if docs.reused:
        print(
            "report: dbt docs unchanged since the last run (the project, the warehouse's columns), "
            "linked from it"
        )
    if pruned:
        print(f"report: removed {len(pruned)} old run folder(s), kept the newest {runs_to_keep()}")
    return GATE_FAILED if blockers or new_rejections else 0


def main(argv: list[str] | None = None) -> int:
    """`python -m budget_warehouse.validate [--target duckdb|postgres] [WAREHOUSE_FILE]`."""
    options = published_reader_arguments(
        "python -m budget_warehouse.validate",
        "Validate the published warehouse and write the stewards' report.",
        list(sys.argv[1:] if argv is None else argv),
    )
    if options.target == "postgres":
        from budget_warehouse import pg_warehouse

        prefix = pg_warehouse.published_prefix()
        marts = pg_warehouse.schema_name(prefix, pg_warehouse.MARTS_LAYER)
        with pg_warehouse.open_reader(prefix) as reader:
            published = reader.execute("select 1 from pg_namespace where nspname = ?", [marts]).fetchone()
        if not published:
            print(
                f"validate: no {marts} on {pg_warehouse.database_label()}: "
                "run `make nightly TARGET=postgres` first",
                file=sys.stderr,
            )
            return 1
        return run_validation_postgres(prefix, reports_path())
    warehouse = options.warehouse or published_path()
    if not warehouse.exists():
        print(f"validate: no warehouse at {warehouse}: run `make nightly` first", file=sys.stderr)
        return 1
    return run_validation(warehouse, reports_path())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
