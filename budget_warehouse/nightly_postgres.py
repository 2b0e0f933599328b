"""The nightly job on PostgreSQL (`make nightly TARGET=postgres`): the same steps as on DuckDB, published by
renaming schemas in one transaction (budget_warehouse.pg_warehouse).

1. Lock: a session advisory lock per database and schema prefix (a second nightly exits 4 at once).
2. Import and landing into a local DuckDB file, as on DuckDB, copied into `<prefix>__build_<run>_landing`.
3. `dbt build --target postgres` with BUDGET_WAREHOUSE_PG_SCHEMA set to the build prefix: every schema the
   build writes is `<prefix>__build_<run>_<layer>`, never a published one.
4. Guard: the build's marts against the published marts (budget_warehouse.publish_guard).
5. Publish: one transaction renames the published schemas aside and the build's into their names, grants
   bi_reader and steward on the new marts, commits; the old schemas are dropped after.
6. Validation and the stewards' report against the published schemas.

A failed or refused build drops its own schemas: the published ones are never touched.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from budget_warehouse import pg_warehouse
from budget_warehouse.landing.land import LandingError, land
from budget_warehouse.landing.to_postgres import copy_landing_to_postgres, pg_landing_schema
from budget_warehouse.nightly import (
    NOT_PUBLISHED,
    REPORT_FAILED,
    WAREHOUSE_BUSY,
    nightly_build_arguments,
    raw_folders,
    reports_writable,
    validate_published,
)
from budget_warehouse.phase_timer import PhaseTimer
from budget_warehouse.publish_guard import shrink_reasons, snapshot_of
from budget_warehouse.run_lock import WarehouseBusyError
from budget_warehouse.warehouse_paths import PROJECT_DIR, reports_path

PREFIX_VARIABLE = "BUDGET_WAREHOUSE_PG_SCHEMA"
# The published prefix while a build writes under its own: where the stewards' decisions are read from.
PUBLISHED_PREFIX_VARIABLE = "BUDGET_WAREHOUSE_PG_PUBLISHED_SCHEMA"


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set variables for dbt (it reads them through env_var) and restore them after."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_dbt_build_postgres(prefix: str, build: str, extra_args: list[str]) -> bool:
    from dbt.cli.main import dbtRunner

    with _environment(**{PREFIX_VARIABLE: build, PUBLISHED_PREFIX_VARIABLE: prefix}):
        os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
        args = [
            "build",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target",
            "postgres",
            *nightly_build_arguments(extra_args),
        ]
        result = dbtRunner().invoke(args)
    return bool(result.success)


def guard_refusal(prefix: str, build: str, max_shrink: float) -> list[str]:
    """Why the build must not replace the published marts; empty when it may (or nothing is published)."""
    with pg_warehouse.open_reader(prefix) as reader:
        published_marts = pg_warehouse.schema_name(prefix, pg_warehouse.MARTS_LAYER)
        exists = reader.execute("select 1 from pg_namespace where nspname = ?", [published_marts]).fetchone()
        before = snapshot_of(reader, published_marts) if exists else None
        after = snapshot_of(reader, pg_warehouse.schema_name(build, pg_warehouse.MARTS_LAYER))
    return [] if before is None else shrink_reasons(before, after, max_shrink)


def build_and_publish_postgres(
    options: argparse.Namespace, dbt_args: list[str], prefix: str, timer: PhaseTimer
) -> int:
    run_id = pg_warehouse.new_run_id()
    try:
        return _build_and_publish(options, dbt_args, prefix, run_id, timer)
    except BaseException:
        # whatever broke (the server, an interrupt), the build's schemas go; the published ones stay
        pg_warehouse.drop_build(prefix, run_id)
        raise


def _build_and_publish(
    options: argparse.Namespace, dbt_args: list[str], prefix: str, run_id: str, timer: PhaseTimer
) -> int:
    build = pg_warehouse.build_prefix(prefix, run_id)
    kept = f"the published schemas {prefix}_* are unchanged"
    raw_dirs = raw_folders(options, timer)
    try:
        with tempfile.TemporaryDirectory(prefix="budget_warehouse_landing_") as scratch:
            # not landing.duckdb: DuckDB names the catalog after the file, which would clash with the schema
            landing_file = Path(scratch) / "raw.duckdb"
            with timer.phase("landing"):
                landed = land(raw_dirs, landing_file)
                print(landed.summary())
                copy_landing_to_postgres(landing_file, pg_landing_schema(build))
    except LandingError as error:
        pg_warehouse.drop_build(prefix, run_id)
        print(f"nightly: {error}; {kept}", file=sys.stderr)
        return NOT_PUBLISHED

    started = time.monotonic()
    with timer.phase("dbt build"):
        succeeded = run_dbt_build_postgres(prefix, build, dbt_args)
    elapsed = time.monotonic() - started
    if not succeeded:
        pg_warehouse.drop_build(prefix, run_id)
        print(f"nightly: dbt build failed after {elapsed:.1f} s; {kept}", file=sys.stderr)
        return NOT_PUBLISHED

    with timer.phase("guard"):
        refusal = guard_refusal(prefix, build, options.max_shrink)
    if refusal and not options.allow_shrink:
        pg_warehouse.drop_build(prefix, run_id)
        print("nightly: publish refused, the new build would lose data:", file=sys.stderr)
        for reason in refusal:
            print(f"  {reason}", file=sys.stderr)
        print(f"  {kept}; run again with --allow-shrink if the loss is intended", file=sys.stderr)
        return NOT_PUBLISHED
    for reason in refusal:
        print(f"nightly: published although {reason} (--allow-shrink)")

    with timer.phase("publish"):
        schemas = pg_warehouse.publish(prefix, run_id)
    print(
        f"nightly: dbt build succeeded in {elapsed:.1f} s; published {', '.join(schemas)} "
        f"on {pg_warehouse.database_label()}"
    )
    return 0


def main_postgres(options: argparse.Namespace, dbt_args: list[str]) -> int:
    from budget_warehouse.validate import run_validation_postgres

    prefix = pg_warehouse.published_prefix()
    reports_root = reports_path()
    unwritable = reports_writable(reports_root)
    if unwritable:
        print(f"nightly: {unwritable}; nothing was built", file=sys.stderr)
        return REPORT_FAILED
    timer = PhaseTimer()
    try:
        with pg_warehouse.nightly_lock(prefix) as lock:
            with lock.cursor() as cursor:
                leftovers = pg_warehouse.leftover_schemas(cursor, prefix)
            # builds of runs that died (killed, power cut) before dropping their schemas, and old published
            # schemas that readers held at the last publish
            for schema in pg_warehouse.drop_old_schemas(leftovers):
                print(f"nightly: readers still hold {schema}; left for the next run")
            pg_warehouse.ensure_roles_and_stewardship(prefix)
            status = build_and_publish_postgres(options, dbt_args, prefix, timer)
            if status != 0:
                return status
            return validate_published(timer, lambda: run_validation_postgres(prefix, reports_root))
    except WarehouseBusyError as busy:
        print(f"nightly: {busy}", file=sys.stderr)
        return WAREHOUSE_BUSY
