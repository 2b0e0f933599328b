"""The landed tables exported as Parquet for Spark: every table whole, types kept, NULL apart from ''.

Read back with DuckDB's read_parquet here (no Java needed); tests/spark/ reads the same files with Spark.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from budget_warehouse.landing.contract import SAMPLE_DIR
from budget_warehouse.landing.land import land
from budget_warehouse.landing.to_parquet import export_landing_to_parquet


def test_every_landed_table_is_written_whole(tmp_path: Path) -> None:
    warehouse = tmp_path / "landed.duckdb"
    land([SAMPLE_DIR], warehouse)
    folder = tmp_path / "parquet"
    written = export_landing_to_parquet(warehouse, folder)
    assert {"raw_function_lines", "landed_files", "lines_not_loaded"} <= written.keys()
    with duckdb.connect(str(warehouse), read_only=True) as duck:
        for table, rows in written.items():
            path = folder / table / "data.parquet"
            landed = duck.execute(f'select * from landing."{table}"').fetchall()
            exported = duck.execute(f"select * from read_parquet('{path}')").fetchall()
            assert rows == len(landed)
            assert sorted(map(repr, exported)) == sorted(map(repr, landed)), table
            types = duck.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'landing' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            described = duck.execute(f"describe select * from read_parquet('{path}')").fetchall()
            assert [(row[0], row[1]) for row in described] == types, table


def test_null_and_empty_text_stay_apart_and_a_second_export_replaces_the_first(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as duck:
        duck.execute("create schema landing")
        duck.execute("create table landing.raw_projects (project_name varchar, source_line bigint)")
        duck.execute("insert into landing.raw_projects values (null, 2), ('', 3), ('人事考试', 4)")
    folder = tmp_path / "parquet"
    (folder / "stale_table").mkdir(parents=True)
    assert export_landing_to_parquet(warehouse, folder) == {"raw_projects": 3}
    assert sorted(path.name for path in folder.iterdir()) == ["raw_projects"]
    with duckdb.connect() as reader:
        rows = reader.execute(
            f"select * from read_parquet('{folder / 'raw_projects' / 'data.parquet'}') order by source_line"
        ).fetchall()
    assert rows == [(None, 2), ("", 3), ("人事考试", 4)]


def test_a_file_without_landing_is_refused(tmp_path: Path) -> None:
    warehouse = tmp_path / "empty.duckdb"
    duckdb.connect(str(warehouse)).close()
    with pytest.raises(ValueError, match="land the raw files first"):
        export_landing_to_parquet(warehouse, tmp_path / "parquet")
    assert not (tmp_path / "parquet").exists()
