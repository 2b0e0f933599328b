"""Fixtures that run the real nightly job (dbt build on DuckDB) into temporary warehouse files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from budget_warehouse.validate import GATE_FAILED

PROJECT_DIR = Path(__file__).resolve().parent.parent


def project_env(tmp_dir: Path, warehouse: Path) -> dict[str, str]:
    """An environment for dbt that writes its warehouse, target, logs and stewards' reports under tmp_dir."""
    env = dict(os.environ)
    env.update(
        BUDGET_WAREHOUSE_PATH=str(warehouse),
        BUDGET_WAREHOUSE_REPORTS_DIR=str(tmp_dir / "reports"),
        # an inbox of the test's own (absent unless the test makes it): never the developer's PDFs
        BUDGET_WAREHOUSE_INBOX=str(tmp_dir / "inbox"),
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        DBT_TARGET_PATH=str(tmp_dir / "target"),
        DBT_LOG_PATH=str(tmp_dir / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        GX_ANALYTICS_ENABLED="false",
    )
    env.pop("BUDGET_WAREHOUSE_BUILD_PATH", None)
    return env


def run_nightly(
    tmp_dir: Path, warehouse: Path, *dbt_args: str, project_dir: Path = PROJECT_DIR
) -> subprocess.CompletedProcess[str]:
    """Run the nightly job exactly as `make nightly` does (in project_dir, a copy of the project if
    given), with extra dbt arguments."""
    return subprocess.run(
        [sys.executable, "-m", "budget_warehouse.nightly", *dbt_args],
        cwd=project_dir,
        env=project_env(tmp_dir, warehouse),
        capture_output=True,
        text=True,
        check=False,
    )


def built_and_published(result: subprocess.CompletedProcess[str]) -> bool:
    """The nightly job published its build; the stewards' gate may have failed (it has its own test)."""
    return result.returncode in (0, GATE_FAILED)


@dataclass(frozen=True)
class NightlyRun:
    warehouse: Path
    reports: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="session")
def sample_nightly(tmp_path_factory: pytest.TempPathFactory) -> NightlyRun:
    """The nightly job run once on the sample disclosure, into a fresh DuckDB file and reports folder."""
    tmp_dir = tmp_path_factory.mktemp("sample")
    warehouse = tmp_dir / "budget_warehouse.duckdb"
    result = run_nightly(tmp_dir, warehouse)
    assert built_and_published(result), result.stdout[-4000:] + result.stderr[-4000:]
    return NightlyRun(warehouse=warehouse, reports=tmp_dir / "reports", result=result)


@pytest.fixture(scope="session")
def sample_warehouse(sample_nightly: NightlyRun) -> Path:
    """The sample disclosure built by the nightly job into a fresh DuckDB file."""
    return sample_nightly.warehouse


@pytest.fixture()
def marts(sample_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the built sample warehouse, as a BI tool would open it."""
    connection = duckdb.connect(str(sample_warehouse), read_only=True)
    yield connection
    connection.close()


PDF_DIR = PROJECT_DIR / "tests" / "fixtures" / "pdf"


def run_in(tmp_path: Path, inbox: Path, warehouse: Path, *args: str) -> tuple[int, str, str]:
    """The nightly job on an inbox of PDFs, without the sample (and with any other nightly options)."""
    env = project_env(tmp_path, warehouse)
    env["BUDGET_WAREHOUSE_INBOX"] = str(inbox)
    result = subprocess.run(
        [sys.executable, "-m", "budget_warehouse.nightly", "--without-sample", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout, result.stderr


@pytest.fixture(scope="session")
def pdf_nightly(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, tuple[int, str, str]]:
    """The nightly job once on the shared PDFs (with the blank template and two unreadable files beside
    them): the tmp folder (inbox/, reports/), the warehouse and the job's exit code, stdout and stderr."""
    tmp_path = tmp_path_factory.mktemp("pdf_nightly")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for pdf in PDF_DIR.glob("*.pdf"):
        shutil.copy(pdf, inbox)
    (inbox / "empty.pdf").write_bytes(b"")
    (inbox / "not_a_pdf.pdf").write_text("这不是 PDF", encoding="utf-8")
    warehouse = tmp_path / "budget_warehouse.duckdb"
    return tmp_path, warehouse, run_in(tmp_path, inbox, warehouse)


def data_test_failures(warehouse: Path, test_sql: str) -> int:
    """The failures a data test's SQL, as dbt ran it (target/run), counts on `warehouse`: the file is
    attached read-only under the catalog name the SQL's relations carry (the build's file name)."""
    catalogs = set(re.findall(r'"([^"]+)"\."[^"]+"\."[^"]+"', test_sql))
    assert len(catalogs) == 1, f"one catalog expected in the test's SQL, found {sorted(catalogs)}"
    (catalog,) = catalogs
    with duckdb.connect() as connection:
        connection.execute(f"attach '{warehouse}' as \"{catalog}\" (read_only)")
        # dbt's wrapper: count(*) as failures, should_warn, should_error
        (failures,) = connection.execute(f"select failures from ({test_sql})").fetchone() or (0,)
    return int(failures)
