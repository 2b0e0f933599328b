"""The dbt unit tests (the models' SQL on fixed inputs) run here, not in every nightly build."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from tests.conftest import PROJECT_DIR, NightlyRun, project_env
from tests.same_answers import DBT


def _unit_tests_declared() -> int:
    return sum(
        len((yaml.safe_load(properties.read_text(encoding="utf-8")) or {}).get("unit_tests", []))
        for properties in (PROJECT_DIR / "models").rglob("*.yml")
    )


def test_the_nightly_build_runs_no_unit_test(sample_nightly: NightlyRun) -> None:
    finished = re.search(r"Finished running (.*) in ", sample_nightly.result.stdout)
    assert finished, sample_nightly.result.stdout[-2000:]
    assert "data tests" in finished.group(1)
    assert "unit test" not in finished.group(1)


def test_every_unit_test_passes_against_the_sample_warehouse(
    sample_nightly: NightlyRun, tmp_path: Path
) -> None:
    # a copy: dbt writes its unit tests' fixtures into the file it is given
    warehouse = tmp_path / "budget_warehouse.duckdb"
    shutil.copyfile(sample_nightly.warehouse, warehouse)
    env = project_env(tmp_path, warehouse)
    env["BUDGET_WAREHOUSE_BUILD_PATH"] = str(warehouse)
    result = subprocess.run(
        [DBT, "--no-use-colors", "test", "--select", "test_type:unit"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    declared = _unit_tests_declared()
    assert declared >= 6
    passed = re.findall(rf"\d+ of {declared} PASS \S+::\S+", result.stdout)
    assert len(passed) == declared, result.stdout[-3000:]
