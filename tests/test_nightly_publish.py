"""The nightly job publishes a complete warehouse or nothing, and never waits on BI readers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from budget_warehouse.incremental import record_published
from tests.conftest import PROJECT_DIR, built_and_published, run_nightly


def test_a_second_process_reads_the_published_warehouse(sample_warehouse: Path) -> None:
    reader = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print(c.execute('select count(*) from marts.fct_expenditure_by_function').fetchone()[0])",
            str(sample_warehouse),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(reader.stdout) == 41
    assert not Path(str(sample_warehouse) + ".building").exists()


def test_a_failed_build_keeps_the_last_good_warehouse(tmp_path: Path, sample_warehouse: Path) -> None:
    warehouse = tmp_path / "budget_warehouse.duckdb"
    warehouse.write_bytes(sample_warehouse.read_bytes())
    before = warehouse.read_bytes()

    # a bulk folder without its list of disclosures is refused with a clear error
    empty_folder = tmp_path / "no_raw_files"
    empty_folder.mkdir()
    result = run_nightly(tmp_path, warehouse, "--vars", f"{{raw_files_dir: '{empty_folder}'}}")

    assert result.returncode != 0
    assert "holds no raw_disclosures" in result.stdout + result.stderr
    assert "previous warehouse is unchanged" in result.stderr
    assert warehouse.read_bytes() == before
    assert not (tmp_path / "budget_warehouse.duckdb.building").exists()


def test_a_reader_holding_the_file_does_not_block_the_nightly_build(
    tmp_path: Path, sample_warehouse: Path
) -> None:
    warehouse = tmp_path / "budget_warehouse.duckdb"
    warehouse.write_bytes(sample_warehouse.read_bytes())
    record_published(warehouse)  # as the nightly that published it here would have
    bi_tool = duckdb.connect(str(warehouse), read_only=True)
    try:
        result = run_nightly(tmp_path, warehouse)
        assert built_and_published(result), result.stdout[-3000:] + result.stderr[-3000:]
        # the landing read the published file beside the reader: no sample file changed, none was parsed
        sample_files = len(list((PROJECT_DIR / "seeds" / "sample").glob("raw_*.csv")))
        assert f"(0 parsed, {sample_files} unchanged since last published)" in result.stdout
        # and the same project built it: its per-disclosure models' rows are kept, none changed
        assert "dbt build: incremental" in result.stdout
        # the reader keeps the snapshot it opened, and can still query it
        assert bi_tool.execute("select count(*) from marts.dim_disclosure").fetchone() == (1,)
    finally:
        bi_tool.close()
    with duckdb.connect(str(warehouse), read_only=True) as fresh_reader:
        assert fresh_reader.execute("select count(*) from marts.dim_disclosure").fetchone() == (1,)


def test_profiles_live_in_the_repository() -> None:
    assert (PROJECT_DIR / "profiles.yml").is_file()


def test_the_warehouse_is_readable_by_older_duckdb_clients(sample_warehouse: Path) -> None:
    # BI tools embed their own DuckDB, often older than 2.0: the file keeps the 1.x storage format
    # (a DuckDB 1.1.3 client was seen reading it; profiles.yml sets storage_compatibility_version)
    with duckdb.connect(str(sample_warehouse), read_only=True) as connection:
        tags = connection.execute("select tags from duckdb_databases() where not internal").fetchone()
    assert tags == ({"storage_version": "v1.0.0+"},)
