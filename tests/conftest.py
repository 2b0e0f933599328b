"""Fixtures that run the real nightly job (dbt build on DuckDB) into temporary warehouse files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent


def project_env(tmp_dir: Path, warehouse: Path) -> dict[str, str]:
    """An environment for dbt that writes its warehouse, target and logs under tmp_dir."""
    env = dict(os.environ)
    env.update(
        BUDGET_WAREHOUSE_PATH=str(warehouse),
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        DBT_TARGET_PATH=str(tmp_dir / "target"),
        DBT_LOG_PATH=str(tmp_dir / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    env.pop("BUDGET_WAREHOUSE_BUILD_PATH", None)
    return env


def run_nightly(tmp_dir: Path, warehouse: Path, *dbt_args: str) -> subprocess.CompletedProcess[str]:
    """Run the nightly job exactly as `make nightly` does, with extra dbt arguments."""
    return subprocess.run(
        [sys.executable, "-m", "budget_warehouse.nightly", *dbt_args],
        cwd=PROJECT_DIR,
        env=project_env(tmp_dir, warehouse),
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample disclosure built by the nightly job into a fresh DuckDB file."""
    tmp_dir = tmp_path_factory.mktemp("sample")
    warehouse = tmp_dir / "budget_warehouse.duckdb"
    result = run_nightly(tmp_dir, warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return warehouse


@pytest.fixture()
def marts(sample_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the built sample warehouse, as a BI tool would open it."""
    connection = duckdb.connect(str(sample_warehouse), read_only=True)
    yield connection
    connection.close()
