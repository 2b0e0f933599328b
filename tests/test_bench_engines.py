"""The engines benchmark (`make bench-engines`): one generated corpus on DuckDB, PostgreSQL and Spark.

Real engines: the nightly on DuckDB, the nightly on a throwaway PostgreSQL 15 server the benchmark starts
itself, and dbt-spark in local mode; every finding compared across them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_DIR, project_env
from tests.postgres.conftest import require_postgres_server
from tests.spark.conftest import require_java


def test_one_corpus_on_three_engines_gives_the_same_findings_side_by_side(tmp_path: Path) -> None:
    # the only reasons to skip: no Java for Spark, no PostgreSQL server binaries (make test installs both)
    require_java()
    require_postgres_server()
    env = project_env(tmp_path, tmp_path / "unused.duckdb")
    for variable in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"):
        env.pop(variable, None)  # the benchmark starts its own server
    out = tmp_path / "engines.json"
    result = subprocess.run(
        [sys.executable, "-m", "budget_warehouse.bench.engines", "--disclosures", "2", "--out", str(out),
         "--work-dir", str(tmp_path / "work")],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

    table = result.stdout.splitlines()
    rows = {
        line.split("|")[1].strip(): line for line in table if line.startswith("| ") and "engine" not in line
    }
    assert set(rows) == {"duckdb", "postgres", "spark"}
    assert "yes: every finding, every mart's rows" in rows["postgres"]
    assert "yes: every finding, every mart's rows" in rows["spark"]
    measured = json.loads(out.read_text(encoding="utf-8"))
    runs = {run["engine"]: run for run in measured["runs"]}
    findings = runs["duckdb"]["findings"]
    assert findings > 0
    assert all(run["findings"] == findings and not run["first_differences"] for run in runs.values())
    assert all(run["phase_seconds"]["dbt build"] > 0 and run["peak_rss_mib"] > 0 for run in runs.values())
    assert runs["duckdb"]["mart_rows"] == runs["spark"]["mart_rows"] == runs["postgres"]["mart_rows"]
    assert "validation and report" in runs["postgres"]["phase_seconds"]
