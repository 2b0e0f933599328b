"""The local Spark of the `spark` output of profiles.yml, for Python: a session on the metastore and tables
folder dbt-spark wrote, as the exporter and the tests read the marts.

profiles.yml gives dbt-spark's session method its settings (`server_side_parameters`); `session_settings`
reads the same environment variables with the same defaults, and tests/spark/test_spark_session.py checks
that the two name the same settings with the same values. A relative BUDGET_WAREHOUSE_SPARK_DIR (and the
default, warehouse/spark) is taken from the project folder, where make runs dbt.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from budget_warehouse.warehouse_paths import PROJECT_DIR

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_DIR = "warehouse/spark"
DEFAULT_SCHEMA = "budget_warehouse"
DEFAULT_MASTER = "local[2]"
DEFAULT_MEMORY = "2g"


def spark_dir(env: Mapping[str, str] = os.environ) -> Path:
    """BUDGET_WAREHOUSE_SPARK_DIR, or warehouse/spark: tables/, metastore_db/ and derby.log live there."""
    path = Path(env.get("BUDGET_WAREHOUSE_SPARK_DIR") or DEFAULT_DIR)
    return path if path.is_absolute() else PROJECT_DIR / path


def schema_prefix(env: Mapping[str, str] = os.environ) -> str:
    return env.get("BUDGET_WAREHOUSE_SPARK_SCHEMA") or DEFAULT_SCHEMA


def marts_database(env: Mapping[str, str] = os.environ) -> str:
    """`<prefix>_marts`: Spark's schemas are databases, named as generate_schema_name names them."""
    return f"{schema_prefix(env)}_marts"


def metastore_path(env: Mapping[str, str] = os.environ) -> Path:
    return spark_dir(env) / "metastore_db"


def session_settings(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """profiles.yml's server_side_parameters of the `spark` output (its comments say why each is set)."""
    folder = spark_dir(env)
    return {
        "spark.master": env.get("BUDGET_WAREHOUSE_SPARK_MASTER") or DEFAULT_MASTER,
        "spark.sql.warehouse.dir": f"{folder}/tables",
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={folder}/metastore_db;create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.stream.error.file={folder}/derby.log",
        "spark.driver.memory": env.get("BUDGET_WAREHOUSE_SPARK_MEMORY") or DEFAULT_MEMORY,
        "spark.sql.parser.escapedStringLiterals": "true",
        "spark.sql.decimalOperations.allowPrecisionLoss": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "4",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
    }


def local_session(env: Mapping[str, str] = os.environ, app_name: str = "budget_warehouse") -> SparkSession:
    """A Spark session in local mode on the build's metastore (embedded Derby: one process at a time, so
    no dbt build may run on the same folder meanwhile). The caller stops it."""
    from pyspark.sql import SparkSession  # imported here: only Spark's readers load pyspark (and start Java)

    builder = SparkSession.builder.appName(app_name).enableHiveSupport()
    for key, value in session_settings(env).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
