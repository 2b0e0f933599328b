"""The raw input contract: the kinds of raw file and their columns, read from the sample seeds' YAML.

`seeds/sample/_sample__seeds.yml` declares every column of every raw kind (with its type); columns a seed
lists under `meta.optional_columns` may be left out of a file, and are then empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from budget_warehouse.warehouse_paths import PROJECT_DIR

SAMPLE_SEEDS_YAML = PROJECT_DIR / "seeds" / "sample" / "_sample__seeds.yml"
SAMPLE_DIR = SAMPLE_SEEDS_YAML.parent
# Columns the landing step adds to every landed row: where it came from.
PROVENANCE_COLUMNS = ("source_file", "source_line", "source_file_sha256")


@dataclass(frozen=True)
class RawKind:
    name: str
    columns: tuple[str, ...]
    optional_columns: frozenset[str]

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(column for column in self.columns if column not in self.optional_columns)

    def matches(self, file_name: str) -> bool:
        """`<kind>*.csv`, as bulk folders name their files (raw_function_lines__2024.csv)."""
        return file_name.startswith(self.name) and file_name.lower().endswith(".csv")


@cache
def raw_kinds() -> tuple[RawKind, ...]:
    """Every kind of raw file, longest name first so that a file name matches its most specific kind."""
    seeds = yaml.safe_load(SAMPLE_SEEDS_YAML.read_text(encoding="utf-8"))["seeds"]
    kinds = [
        RawKind(
            name=seed["name"],
            columns=tuple(seed["config"]["column_types"]),
            optional_columns=frozenset(seed["config"].get("meta", {}).get("optional_columns", [])),
        )
        for seed in seeds
    ]
    return tuple(sorted(kinds, key=lambda kind: -len(kind.name)))


def kind_of(file_name: str) -> RawKind | None:
    return next((kind for kind in raw_kinds() if kind.matches(file_name)), None)
