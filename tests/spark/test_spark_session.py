"""The Python session (budget_warehouse.spark_session) is configured as profiles.yml's `spark` output.

dbt-spark starts its session from the profile's server_side_parameters; the exporter and the tests start
theirs from `session_settings`. Rendering the profile's `env_var(...)` calls with the same variables must
give the same settings, key for key and value for value (no Java needed).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from budget_warehouse import spark_session
from tests.conftest import PROJECT_DIR

_ENV_VAR = re.compile(r"\{\{\s*env_var\('(\w+)',\s*'([^']*)'\)\s*\}\}")


def profile_settings(env: dict[str, str]) -> dict[str, str]:
    profiles = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    parameters = profiles["budget_warehouse"]["outputs"]["spark"]["server_side_parameters"]
    return {
        key: _ENV_VAR.sub(lambda match: env.get(match[1], match[2]), str(value))
        for key, value in parameters.items()
    }


@pytest.mark.parametrize(
    "env",
    [
        {"BUDGET_WAREHOUSE_SPARK_DIR": "/srv/spark"},
        {
            "BUDGET_WAREHOUSE_SPARK_DIR": "/tmp/build/spark",
            "BUDGET_WAREHOUSE_SPARK_MASTER": "local[1]",
            "BUDGET_WAREHOUSE_SPARK_MEMORY": "1g",
        },
    ],
)
def test_the_session_has_the_profile_settings(env: dict[str, str]) -> None:
    assert spark_session.session_settings(env) == profile_settings(env)


def test_the_default_folder_is_the_profile_default_in_the_project() -> None:
    # the profile's relative default is read from the folder dbt runs in, the project's under make
    relative = profile_settings({})["spark.sql.warehouse.dir"]
    assert spark_session.session_settings({})["spark.sql.warehouse.dir"] == str(PROJECT_DIR / relative)
    assert spark_session.spark_dir({}) == PROJECT_DIR / Path(relative).parent
    assert spark_session.marts_database({"BUDGET_WAREHOUSE_SPARK_SCHEMA": "x"}) == "x_marts"
    assert spark_session.marts_database({}) == "budget_warehouse_marts"
