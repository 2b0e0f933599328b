"""Every seed declares a type for every column: codes stay text, money stays DECIMAL."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT_DIR

SEED_FILES = sorted((PROJECT_DIR / "seeds").rglob("*.csv"))


def declared_column_types() -> dict[str, dict[str, str]]:
    declared: dict[str, dict[str, str]] = {}
    for properties in (PROJECT_DIR / "seeds").rglob("_*.yml"):
        for seed in yaml.safe_load(properties.read_text(encoding="utf-8"))["seeds"]:
            declared[seed["name"]] = seed["config"]["column_types"]
    return declared


@pytest.mark.parametrize("seed_file", SEED_FILES, ids=lambda path: path.stem)
def test_every_seed_column_has_a_declared_type(seed_file: Path) -> None:
    with seed_file.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    types = declared_column_types()[seed_file.stem]
    assert list(types) == header
    for column, column_type in types.items():
        if column.endswith("code") or column.endswith("_id"):
            assert column_type == "varchar", column
        if column == "amount" or column.endswith("_amount"):
            assert column_type.startswith("decimal"), column
