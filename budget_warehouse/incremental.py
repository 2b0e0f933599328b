"""Whether a night's dbt build may be incremental: computing again only the changed disclosures' rows.

The per-disclosure models (macros/cross_engine/incremental.sql) keep the published warehouse's rows of the
disclosures whose raw rows did not change. That is right only when the same project built them: the
published warehouse records the SHA-256 of the project that built it (`landing.built_by_project`), and
any change to the models, macros, reference seeds, dbt's configuration or the installed dbt and DuckDB
means a build from scratch. The stewards' decisions and the raw sample are data, not project: a decision
recorded during the day does not cost a full build.

It is right only while the published file holds what the nightly published, too. Readers open it
read-only, which never writes it; anything that did (rows deleted by hand, a `dbt run` against it, a file
restored from a backup) would otherwise be kept night after night for the disclosures that did not change.
The nightly records the file's inode, size and modification time beside it when it publishes
(`<file>.published`); a file that no longer matches them is rebuilt from its raw files.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import duckdb

from budget_warehouse.landing.reuse import KEPT_MODELS_TABLE
from budget_warehouse.warehouse_paths import PROJECT_DIR

PROJECT_FILES = ("dbt_project.yml", "profiles.yml")
PROJECT_FOLDERS = ("models", "macros", "seeds")
# dbt's data tests (its test-paths, which pytest's files share): an incremental night tests only the rows it
# computed, so a test changed since the kept rows were tested means a build from scratch
DBT_TEST_FOLDER, DBT_TEST_SUFFIXES = "tests", (".sql", ".yml", ".yaml")
# data the build reads, not code that decides what it computes: the incremental models do not read them
NOT_PROJECT = ("seeds/steward_acknowledgements.csv", "seeds/sample/*.csv")
PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb")
VERSION_TABLE = "landing.built_by_project"
KEPT_MODELS = f"landing.{KEPT_MODELS_TABLE}"
# Deleted rows leave space in the file that DuckDB does not give back (a 10,000-disclosure warehouse grew by
# 2-9% a night with 1% of its disclosures changed): a build from scratch once in so many nights compacts it.
FULL_BUILD_EVERY = 7
# dbt's resource types of the data tests, which a build may exclude (the nightly excludes unit_test itself)
EXCLUDE_RESOURCE_TYPE = "--exclude-resource-type"
DATA_TESTS = frozenset(("test", "data_test"))
# dbt options that build a part of the project: the rest would keep last night's rows of changed disclosures
SELECTION_OPTIONS = frozenset(
    ("--select", "-s", "--models", "-m", "--exclude", "--selector", "--resource-type")
)


def project_version(project_dir: Path = PROJECT_DIR) -> str:
    """The SHA-256 of what decides the models' rows and tests: the project's files (by relative path) and
    versions."""
    digest = hashlib.sha256()
    files = [project_dir / name for name in PROJECT_FILES]
    for folder in PROJECT_FOLDERS:
        files += sorted(path for path in (project_dir / folder).rglob("*") if path.is_file())
    files += sorted(
        path
        for path in (project_dir / DBT_TEST_FOLDER).rglob("*")
        if path.is_file() and path.suffix in DBT_TEST_SUFFIXES
    )
    for path in files:
        relative = path.relative_to(project_dir)
        if any(relative.match(pattern) for pattern in NOT_PROJECT):
            continue
        digest.update(f"{relative.as_posix()}\0".encode())
        digest.update(path.read_bytes())
    for package in PACKAGES:
        digest.update(f"{package}=={version(package)}\0".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class BuiltBy:
    """What the published warehouse says of the build that made it."""

    project_version: str
    incremental_nights: int  # nights since its last build from scratch


def built_by(warehouse: Path) -> BuiltBy | None:
    """The project version that built the warehouse and its incremental nights since a build from scratch;
    None when it has none or cannot be read."""
    if not warehouse.is_file():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            row = connection.execute(
                f"select project_version, incremental_nights from {VERSION_TABLE}"
            ).fetchone()
    except duckdb.Error:
        return None
    return BuiltBy(str(row[0]), int(row[1])) if row else None


def full_build_every() -> int:
    """BUDGET_WAREHOUSE_FULL_BUILD_EVERY (at least 1: every night from scratch), or FULL_BUILD_EVERY."""
    configured = os.environ.get("BUDGET_WAREHOUSE_FULL_BUILD_EVERY", "")
    return max(int(configured), 1) if configured.isdigit() else FULL_BUILD_EVERY


def selection_options(dbt_args: list[str]) -> frozenset[str]:
    """The options of `dbt_args` that build a part of the project only, or leave its data tests out: an
    incremental night tests only the rows it computes, so the rows it keeps must have been tested."""
    selection = SELECTION_OPTIONS.intersection(arg.split("=")[0] for arg in dbt_args)
    if DATA_TESTS.intersection(_excluded_resource_types(dbt_args)):
        selection |= {EXCLUDE_RESOURCE_TYPE}
    return frozenset(selection)


def _excluded_resource_types(dbt_args: list[str]) -> list[str]:
    """The values of every --exclude-resource-type (`--x a b`, `--x=a`)."""
    values: list[str] = []
    taking = False
    for arg in dbt_args:
        option, equals, value = arg.partition("=")
        if option == EXCLUDE_RESOURCE_TYPE:
            taking = not equals
            values += [value] if equals else []
        elif taking and not arg.startswith("-"):
            values.append(arg)
        else:
            taking = False
    return values


def published_stamp(published: Path) -> Path:
    """Where the nightly records how it left the published file."""
    return published.with_name(published.name + ".published")


def _file_identity(path: Path) -> dict[str, int]:
    status = path.stat()
    return {"inode": status.st_ino, "size": status.st_size, "modified_ns": status.st_mtime_ns}


def record_published(published: Path) -> None:
    """Record the file just renamed into place as the nightly published it (replaced whole, by a rename)."""
    stamp = published_stamp(published)
    incoming = stamp.with_name(stamp.name + ".incoming")
    incoming.write_text(json.dumps(_file_identity(published)) + "\n", encoding="utf-8")
    os.replace(incoming, stamp)


def written_since_published(published: Path) -> str | None:
    """Why the published file may not hold what the nightly published (it was written to, replaced, or
    nothing says how the nightly left it); None when it is as published."""
    try:
        recorded = json.loads(published_stamp(published).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"no record of how the nightly published {published.name} ({published_stamp(published).name})"
    try:
        current = _file_identity(published)
    except OSError as error:
        return f"the published warehouse cannot be read ({error.strerror or error})"
    if recorded != current:
        return "the published warehouse was written to or replaced since the nightly published it"
    return None


def incremental_refusal(published: Path, dbt_args: list[str]) -> str | None:
    """Why tonight's build must be from scratch; None when it may be incremental."""
    if "--full-refresh" in dbt_args:
        return "--full-refresh"
    selection = selection_options(dbt_args)
    if selection:
        return f"a part of the project or its data tests is left out ({', '.join(sorted(selection))})"
    published_by = built_by(published)
    if published_by is None:
        return "no published warehouse built by a known project version"
    written = written_since_published(published)
    if written:
        return written
    if published_by.project_version != project_version():
        return "the project changed since the published warehouse was built"
    every = full_build_every()
    if published_by.incremental_nights + 1 >= every:
        return (
            f"one night in {every} builds from scratch (BUDGET_WAREHOUSE_FULL_BUILD_EVERY), which gives back "
            "the space deleted rows leave in the file"
        )
    return None


def record_project_version(building: Path, whole_project: bool, incremental: bool) -> None:
    """Written once the build succeeded: the project version that built it and its incremental nights since
    a build from scratch, when it built every model. A build of part of the project records none (the copy
    of the published file may hold one), so the night after it builds from scratch."""
    before = built_by(building) if incremental else None
    with duckdb.connect(str(building)) as connection:
        connection.execute(f"drop table if exists {VERSION_TABLE}")
        # what told this build's data tests to read the rows it computed: a `dbt test` run later on the
        # published file tests every row
        connection.execute(f"drop table if exists {KEPT_MODELS}")
        if whole_project:
            connection.execute(
                f"create table {VERSION_TABLE} (project_version varchar, incremental_nights integer)"
            )
            nights = before.incremental_nights + 1 if before else 0
            connection.execute(f"insert into {VERSION_TABLE} values (?, ?)", [project_version(), nights])
