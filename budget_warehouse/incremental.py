"""Whether a night's dbt build may be incremental: computing again only the changed disclosures' rows.

The per-disclosure models (macros/cross_engine/incremental.sql) keep the published warehouse's rows of the
disclosures whose raw rows did not change. That is right only when the same project built them: the
published warehouse records the SHA-256 of the project that built it (`landing.built_by_project`), and
any change to the models, macros, reference seeds, dbt's configuration or the installed dbt and DuckDB
means a build from scratch. The stewards' decisions and the raw sample are data, not project: a decision
recorded during the day does not cost a full build.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path

import duckdb

from budget_warehouse.warehouse_paths import PROJECT_DIR

PROJECT_FILES = ("dbt_project.yml", "profiles.yml")
PROJECT_FOLDERS = ("models", "macros", "seeds")
# data the build reads, not code that decides what it computes: the incremental models do not read them
NOT_PROJECT = ("seeds/steward_acknowledgements.csv", "seeds/sample/*.csv")
PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb")
VERSION_TABLE = "landing.built_by_project"
# dbt options that build a part of the project: the rest would keep last night's rows of changed disclosures
SELECTION_OPTIONS = frozenset(
    ("--select", "-s", "--models", "-m", "--exclude", "--selector", "--resource-type")
)


def project_version(project_dir: Path = PROJECT_DIR) -> str:
    """The SHA-256 of what decides the models' rows: the project's files (by relative path) and versions."""
    digest = hashlib.sha256()
    files = [project_dir / name for name in PROJECT_FILES]
    for folder in PROJECT_FOLDERS:
        files += sorted(path for path in (project_dir / folder).rglob("*") if path.is_file())
    for path in files:
        relative = path.relative_to(project_dir)
        if any(relative.match(pattern) for pattern in NOT_PROJECT):
            continue
        digest.update(f"{relative.as_posix()}\0".encode())
        digest.update(path.read_bytes())
    for package in PACKAGES:
        digest.update(f"{package}=={version(package)}\0".encode())
    return digest.hexdigest()


def published_project_version(published: Path) -> str | None:
    """The project version that built the published warehouse; None when it has none or cannot be read."""
    if not published.is_file():
        return None
    try:
        with duckdb.connect(str(published), read_only=True) as connection:
            row = connection.execute(f"select project_version from {VERSION_TABLE}").fetchone()
    except duckdb.Error:
        return None
    return str(row[0]) if row else None


def selection_options(dbt_args: list[str]) -> frozenset[str]:
    """The options of `dbt_args` that build a part of the project only."""
    return SELECTION_OPTIONS.intersection(arg.split("=")[0] for arg in dbt_args)


def incremental_refusal(published: Path, dbt_args: list[str]) -> str | None:
    """Why tonight's build must be from scratch; None when it may be incremental."""
    if "--full-refresh" in dbt_args:
        return "--full-refresh"
    selection = selection_options(dbt_args)
    if selection:
        return f"a part of the project is selected ({', '.join(sorted(selection))})"
    built_by = published_project_version(published)
    if built_by is None:
        return "no published warehouse built by a known project version"
    if built_by != project_version():
        return "the project changed since the published warehouse was built"
    return None


def record_project_version(building: Path) -> None:
    """Written once the build succeeded: the project version that built it."""
    with duckdb.connect(str(building)) as connection:
        connection.execute(f"create or replace table {VERSION_TABLE} (project_version varchar)")
        connection.execute(f"insert into {VERSION_TABLE} values (?)", [project_version()])
