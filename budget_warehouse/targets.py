"""The `--target` option the commands share, and the published-warehouse arguments of the readers
(validate, review): one definition, so every command names and describes the engines alike."""

from __future__ import annotations

import argparse
from pathlib import Path

# Where the nightly job publishes and the stewards read: the DuckDB file, or a PostgreSQL server.
PUBLISHING_TARGETS = ("duckdb", "postgres")
# Every engine the models build on (Spark's marts are read by the export only).
ALL_TARGETS = (*PUBLISHING_TARGETS, "spark")
_HELP = {
    "duckdb": "duckdb: the published warehouse file (default)",
    "postgres": "postgres: the server the libpq variables name (PGHOST, PGPORT, PGUSER, PGPASSWORD ...)",
    "spark": "spark: the local metastore of BUDGET_WAREHOUSE_SPARK_DIR",
}


def add_target_argument(
    parser: argparse.ArgumentParser, targets: tuple[str, ...] = PUBLISHING_TARGETS
) -> None:
    parser.add_argument(
        "--target", choices=targets, default="duckdb", help="; ".join(_HELP[target] for target in targets)
    )


def published_reader_arguments(prog: str, description: str, argv: list[str]) -> argparse.Namespace:
    """`[--target duckdb|postgres] [WAREHOUSE_FILE]`: which published warehouse a reader opens."""
    parser = argparse.ArgumentParser(prog=prog, description=description, allow_abbrev=False)
    add_target_argument(parser)
    parser.add_argument(
        "warehouse",
        nargs="?",
        type=Path,
        help="the DuckDB file (default: BUDGET_WAREHOUSE_PATH or warehouse/budget_warehouse.duckdb)",
    )
    options = parser.parse_args(argv)
    if options.target != "duckdb" and options.warehouse is not None:
        parser.error("a warehouse file is for --target duckdb only")
    return options
