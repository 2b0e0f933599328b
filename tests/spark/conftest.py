"""Spark for the tests: local mode inside the process (pyspark), as the `spark` target runs it.

Spark needs a Java runtime: `make test` installs Debian's openjdk-17-jre-headless when java is missing
(.ci/system-packages). The tables, the metastore (Derby) and the landed Parquet files of a build live in a
folder of the test's own, named to dbt by the variables profiles.yml reads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SPARK_SCHEMA = "same_answers"


def require_java() -> None:
    """The only reason to skip the Spark tests: no Java to run Spark (make test installs it when root)."""
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime: apt-get install openjdk-17-jre-headless")


def spark_env(spark_dir: Path) -> dict[str, str]:
    """The variables the `spark` output of profiles.yml reads: every file of the build under spark_dir."""
    return {
        "BUDGET_WAREHOUSE_SPARK_DIR": str(spark_dir),
        "BUDGET_WAREHOUSE_SPARK_LANDING_DIR": str(spark_dir / "landing"),
        "BUDGET_WAREHOUSE_SPARK_SCHEMA": SPARK_SCHEMA,
        "BUDGET_WAREHOUSE_SPARK_MEMORY": "1g",
    }
