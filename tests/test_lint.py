"""Style is part of the build: SQL linted by sqlfluff, Python by ruff and mypy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_DIR

BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DBT_PROFILES_DIR=str(PROJECT_DIR))
    return subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False)


def test_sql_is_linted_by_sqlfluff() -> None:
    result = run(str(BIN / "sqlfluff"), "lint", "models", "tests", "--disable-progress-bar")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # a file dbt cannot compile is skipped with a warning, and a skipped file passes: none may be
    skipped = [line for line in (result.stdout + result.stderr).splitlines() if "Skipped file" in line]
    assert not skipped, skipped


def test_python_is_linted_by_ruff() -> None:
    result = run(str(BIN / "ruff"), "check", "budget_warehouse", "tests")
    assert result.returncode == 0, result.stdout
    result = run(str(BIN / "ruff"), "format", "--check", "budget_warehouse", "tests")
    assert result.returncode == 0, result.stdout


def test_python_is_typed() -> None:
    result = run(str(BIN / "mypy"), "budget_warehouse")
    assert result.returncode == 0, result.stdout
