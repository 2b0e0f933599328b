"""The nightly job: land the raw files, `dbt build` into a fresh file, guard, publish by an atomic rename.

The landing parses only the raw files that changed since the published warehouse landed them; the build
file starts as a copy of the published file keeping the others' landed rows (budget_warehouse.landing.reuse).
When the same project built the published warehouse, the copy keeps its models too and the per-disclosure
models compute only the disclosures whose raw rows changed (budget_warehouse.incremental). A published
file written to since the nightly published it (`<file>.published` records how it left it) is not built
on: `--full-refresh` and such a file parse every file again and build every model from scratch.

BI tools may hold the published file open read-only; DuckDB would refuse a writer on it. Building into a
sibling file and renaming it over the published one never blocks on them, and a failed build leaves the
last good warehouse in place: nobody ever sees a half-built one. Before the rename, the publish guard
refuses a build that would lose disclosures or empty a mart (`--allow-shrink` overrides it).

Once published, the warehouse is validated read-only against the expectation suites and the stewards'
report is written (budget_warehouse.validate).

`--target postgres` runs the same job on the PostgreSQL server the libpq variables name, publishing by
renaming schemas in one transaction (budget_warehouse.nightly_postgres).

Exit status: 0; 1 when nothing was published (the landing or the build failed, or the guard refused);
2 when a critical expectation fails on something no steward has acknowledged (the build is published all
the same); 3 when the build was published but the report could not be written; 4 when another nightly
job holds the warehouse (this run changed nothing).
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import yaml
from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner

from budget_warehouse.incremental import (
    incremental_refusal,
    record_project_version,
    record_published,
    selection_options,
    written_since_published,
)
from budget_warehouse.landing.contract import SAMPLE_DIR
from budget_warehouse.landing.land import LandingError, land
from budget_warehouse.pdf_import.inbox import import_inbox
from budget_warehouse.phase_timer import PhaseTimer
from budget_warehouse.publish_guard import DEFAULT_MAX_SHRINK, shrink_reasons, snapshot
from budget_warehouse.run_lock import WarehouseBusyError, nightly_lock
from budget_warehouse.targets import add_target_argument
from budget_warehouse.validate import run_validation
from budget_warehouse.warehouse_paths import (
    PROJECT_DIR,
    build_path,
    imported_path,
    inbox_path,
    published_path,
    reports_path,
)

NOT_PUBLISHED = 1
REPORT_FAILED = 3
WAREHOUSE_BUSY = 4
RESOURCE_TYPE_OPTIONS = frozenset(
    ("--resource-type", "--resource-types", "--exclude-resource-type", "--exclude-resource-types")
)


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)


def parse_arguments(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """The job's own options; everything else is passed to `dbt build`."""
    parser = argparse.ArgumentParser(prog="python -m budget_warehouse.nightly", allow_abbrev=False)
    parser.add_argument(
        "--raw-dir",
        action="append",
        type=Path,
        default=[],
        help="a folder of raw CSV files (repeatable); default: the shipped sample (seeds/sample)",
    )
    parser.add_argument(
        "--without-sample",
        action="store_true",
        help="load only the inbox's PDFs (and --raw-dir folders), not the shipped sample",
    )
    parser.add_argument(
        "--allow-shrink",
        action="store_true",
        help="publish even when disclosures disappear or a mart empties or shrinks past --max-shrink",
    )
    parser.add_argument(
        "--max-shrink",
        type=float,
        default=DEFAULT_MAX_SHRINK,
        help="the largest fraction of a mart's rows a build may lose without --allow-shrink (default 0.5)",
    )
    add_target_argument(parser)
    options, dbt_args = parser.parse_known_args(argv)
    # `--vars '{raw_files_dir: DIR}'` names a raw folder too (dbt itself no longer reads it).
    if "--vars" in dbt_args:
        index = dbt_args.index("--vars")
        dbt_vars = yaml.safe_load(dbt_args[index + 1]) if index + 1 < len(dbt_args) else None
        if isinstance(dbt_vars, dict) and dbt_vars.get("raw_files_dir"):
            options.raw_dir.append(Path(str(dbt_vars["raw_files_dir"])))
    return options, dbt_args


def nightly_build_arguments(extra_args: list[str]) -> list[str]:
    """`dbt build`'s arguments after the project's: the user's, and no unit tests unless they choose the
    resource types themselves. Unit tests check the models' SQL on fixed inputs, not the night's data: they
    run in the test suite (tests/test_unit_tests.py) and cost every night seconds that decide nothing."""
    if RESOURCE_TYPE_OPTIONS.intersection(extra_args):
        return extra_args
    return ["--exclude-resource-type", "unit_test", *extra_args]


def run_dbt_build(target_file: Path, extra_args: list[str]) -> bool:
    """Run `dbt build` writing into target_file; True when every node succeeded."""
    os.environ["BUDGET_WAREHOUSE_BUILD_PATH"] = str(target_file)
    # spill beside the build, on the same disk, whatever the working directory
    os.environ.setdefault("BUDGET_WAREHOUSE_TEMP_DIR", str(target_file.with_name(target_file.name + ".tmp")))
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    project = ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    args = ["build", *project, *nightly_build_arguments(extra_args)]
    try:
        result = dbtRunner().invoke(args)
    finally:
        released = release_build_file(target_file)
    if not released:
        print(f"nightly: dbt left {target_file} open (its write-ahead log is still there)", file=sys.stderr)
    return bool(result.success) and released


def release_build_file(target_file: Path) -> bool:
    """Close the build file dbt-duckdb keeps open (profiles.yml, keep_open) for the rest of the process: its
    environment is dropped and collected, and DuckDB checkpoints on close. True when the file is closed
    with its write-ahead log folded in, so it can be renamed and opened read-only."""
    DuckDBConnectionManager.close_all_connections()  # type: ignore[no-untyped-call]
    gc.collect()
    return not target_file.with_name(target_file.name + ".wal").exists()


def set_stale_wal_aside(published: Path) -> Path | None:
    """A `.wal` beside the published file is left by a writer that did not close it (a crash). DuckDB would
    replay it onto whatever file takes the name, so it is moved aside (kept, never deleted)."""
    wal = published.with_name(published.name + ".wal")
    if not wal.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = wal.with_name(f"{wal.name}.stale-{stamp}")
    os.replace(wal, aside)
    return aside


def reports_writable(reports_root: Path) -> str | None:
    """None when the reports folder can be written, else why not: checked before anything is built."""
    try:
        reports_root.mkdir(parents=True, exist_ok=True)
        probe = reports_root / f".write-probe-{os.getpid()}"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as error:
        return f"the reports folder {reports_root} is not writable: {error.strerror or error}"
    return None


def guard_refusal(published: Path, building: Path, max_shrink: float) -> list[str]:
    """Why the build must not replace the published warehouse; empty when it may."""
    if not published.exists():
        return []
    try:
        before = snapshot(published)
    except Exception as error:  # any failure to read it is a reason to stop, with its message
        return [f"the published warehouse cannot be read to compare with ({error}); is a writer holding it?"]
    return shrink_reasons(before, snapshot(building), max_shrink)


def landing_reuse_source(published: Path, dbt_args: list[str]) -> Path | None:
    """Where the landing takes unchanged raw files from: the published warehouse, unless the user asks dbt
    for a full refresh, which parses every file again too, or the file was written to since the nightly
    published it (its landed rows may no longer be what its files held)."""
    if "--full-refresh" in dbt_args or not published.exists():
        return None
    written = written_since_published(published)
    if written:
        print(f"landing: every raw file is parsed again: {written}")
        return None
    return published


def raw_folders(options: argparse.Namespace, timer: PhaseTimer) -> list[Path]:
    """The raw folders to land: the sample or --raw-dir folders, and the inbox's PDFs imported first."""
    raw_dirs = list(options.raw_dir) or ([] if options.without_sample else [SAMPLE_DIR])
    inbox = inbox_path()
    if inbox.is_dir():
        imported = imported_path(inbox)
        with timer.phase("import"):
            result = import_inbox(inbox, imported)
        for failure in result.failures:
            print(f"import: not loaded: {failure.reason}", file=sys.stderr)
        if any(imported.glob("*.csv")):
            raw_dirs.append(imported)
    return raw_dirs


def build_and_publish(
    options: argparse.Namespace, dbt_args: list[str], published: Path, timer: PhaseTimer
) -> int:
    building = build_path(published)
    _remove(building)
    raw_dirs = raw_folders(options, timer)
    from_scratch_because = incremental_refusal(published, dbt_args)
    try:
        with timer.phase("landing"):
            landed = land(
                raw_dirs,
                building,
                reuse_from=landing_reuse_source(published, dbt_args),
                keep_built=from_scratch_because is None,
            )
    except LandingError as error:
        _remove(building)
        print(f"nightly: {error}; {_kept(published)}", file=sys.stderr)
        return NOT_PUBLISHED
    print(landed.summary())
    if not landed.reused:
        from_scratch_because = from_scratch_because or "every raw file was parsed"
    if from_scratch_because:
        print(f"dbt build: every model from scratch ({from_scratch_because})")
    else:
        print("dbt build: incremental, per-disclosure models computed for the disclosures whose rows changed")

    started = time.monotonic()
    with timer.phase("dbt build"):
        succeeded = run_dbt_build(building, dbt_args)
    elapsed = time.monotonic() - started
    if not succeeded:
        _remove(building)
        print(f"nightly: dbt build failed after {elapsed:.1f} s; {_kept(published)}", file=sys.stderr)
        return NOT_PUBLISHED
    # the next night may keep this build's rows of unchanged disclosures when every model was built
    record_project_version(
        building, whole_project=not selection_options(dbt_args), incremental=not from_scratch_because
    )

    with timer.phase("guard"):
        refusal = guard_refusal(published, building, options.max_shrink)
    if refusal and not options.allow_shrink:
        _remove(building)
        print("nightly: publish refused, the new build would lose data:", file=sys.stderr)
        for reason in refusal:
            print(f"  {reason}", file=sys.stderr)
        print(f"  {_kept(published)}; run again with --allow-shrink if the loss is intended", file=sys.stderr)
        return NOT_PUBLISHED
    for reason in refusal:
        print(f"nightly: published although {reason} (--allow-shrink)")

    with timer.phase("publish"):
        aside = set_stale_wal_aside(published)
        os.replace(building, published)
        try:
            record_published(published)
        except OSError as error:
            # published all the same; the stale or missing record makes the next night build from scratch
            print(
                f"nightly: published, but not recorded as published ({error}); the next night parses "
                "every file and builds every model",
                file=sys.stderr,
            )
        _remove(building)
    if aside is not None:
        print(f"nightly: a stale write-ahead log beside the published file was set aside as {aside}")
    print(f"nightly: dbt build succeeded in {elapsed:.1f} s; published {published}")
    return 0


def validate_published(timer: PhaseTimer, validate: Callable[[], int]) -> int:
    """After a publish, on any engine: validate and report, print and keep the phase timings."""
    try:
        with timer.phase("validation and report"):
            status = validate()
    # DuckDB's own writes (the exports' COPY) fail with its IOException, not an OSError: a full disk there
    # is a report that could not be written as much as any other
    except (OSError, duckdb.IOException) as error:
        print(f"nightly: published, but the report could not be written: {error}", file=sys.stderr)
        status = REPORT_FAILED
    print(timer.summary())
    timer.write()
    return status


def _kept(published: Path) -> str:
    return "the previous warehouse is unchanged" if published.exists() else "no warehouse was published"


def main(argv: list[str] | None = None) -> int:
    options, dbt_args = parse_arguments(list(sys.argv[1:] if argv is None else argv))
    if options.target == "postgres":
        from budget_warehouse.nightly_postgres import main_postgres

        return main_postgres(options, dbt_args)
    published = published_path()
    published.parent.mkdir(parents=True, exist_ok=True)
    reports_root = reports_path()
    unwritable = reports_writable(reports_root)
    if unwritable:
        print(f"nightly: {unwritable}; nothing was built", file=sys.stderr)
        return REPORT_FAILED
    timer = PhaseTimer()
    try:
        with nightly_lock(published):
            status = build_and_publish(options, dbt_args, published, timer)
            if status != 0:
                return status
            return validate_published(timer, lambda: run_validation(published, reports_root))
    except WarehouseBusyError as busy:
        print(f"nightly: {busy}", file=sys.stderr)
        return WAREHOUSE_BUSY


if __name__ == "__main__":
    sys.exit(main())
