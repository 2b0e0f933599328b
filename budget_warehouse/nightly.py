"""The nightly job: `dbt build` into a fresh file, then publish it by an atomic rename.

BI tools may hold the published file open read-only; DuckDB would refuse a writer on it. Building
into a sibling file and renaming it over the published one never blocks on them, and a failed build
leaves the last good warehouse in place: nobody ever sees a half-built one.

Once published, the warehouse is validated read-only against the expectation suites and the stewards'
report is written (budget_warehouse.validate). Exit status: 0; 1 when the build failed; 2 when a critical
expectation fails on something no steward has acknowledged (the build is published all the same).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from dbt.cli.main import dbtRunner

from budget_warehouse.validate import run_validation
from budget_warehouse.warehouse_paths import PROJECT_DIR, build_path, published_path, reports_path


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)


def run_dbt_build(target_file: Path, extra_args: list[str]) -> bool:
    """Run `dbt build` writing into target_file; True when every node succeeded."""
    os.environ["BUDGET_WAREHOUSE_BUILD_PATH"] = str(target_file)
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    args = ["build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR), *extra_args]
    result = dbtRunner().invoke(args)
    return bool(result.success)


def publish(built: Path, published: Path) -> None:
    """Replace the published file with the built one in a single rename."""
    os.replace(built, published)
    built.with_name(built.name + ".wal").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    extra_args = list(sys.argv[1:] if argv is None else argv)
    published = published_path()
    published.parent.mkdir(parents=True, exist_ok=True)
    building = build_path(published)
    _remove(building)

    started = time.monotonic()
    succeeded = run_dbt_build(building, extra_args)
    elapsed = time.monotonic() - started
    if not succeeded:
        _remove(building)
        kept = "the previous warehouse is unchanged" if published.exists() else "no warehouse was published"
        print(f"nightly: dbt build failed after {elapsed:.1f} s; {kept}: {published}", file=sys.stderr)
        return 1

    publish(building, published)
    print(f"nightly: dbt build succeeded in {elapsed:.1f} s; published {published}")
    return run_validation(published, reports_path())


if __name__ == "__main__":
    sys.exit(main())
