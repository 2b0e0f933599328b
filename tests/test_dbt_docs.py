"""The report's dbt docs process (budget_warehouse.dbt_docs) against the sample's published warehouse: the
second night reuses the project dbt parsed the first; a run that finds the kept folder busy writes the page
from a temporary one and leaves the kept folder alone; a run reuses the last run's page while the docs key
(the project, the environment it reads, the warehouse's columns) is the same."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from budget_warehouse import dbt_docs
from budget_warehouse.dbt_docs import KEY_FILE, docs_key, kept_target_folder
from budget_warehouse.linked_files import link_or_copy
from budget_warehouse.validate import DOCS_FOLDER, DOCS_TARGET, duckdb_catalog, start_dbt_docs
from tests.conftest import PROJECT_DIR, project_env

FULL_PARSE = "Unable to do partial parsing"


def generate_docs(tmp_path: Path, warehouse: Path, night: str) -> tuple[Path, str]:
    """One run of the docs process; returns the page's folder and what dbt logged."""
    env = project_env(tmp_path, warehouse)
    env["BUDGET_WAREHOUSE_READ_ONLY_PATH"] = str(warehouse)
    env["DBT_LOG_PATH"] = str(tmp_path / f"logs_{night}")
    out = tmp_path / f"docs_{night}"
    command = [sys.executable, "-m", "budget_warehouse.dbt_docs", "--target", DOCS_TARGET]
    result = subprocess.run(
        [*command, "--out", str(out)], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out, (tmp_path / f"logs_{night}" / "dbt.log").read_text(encoding="utf-8")


def test_the_second_night_reuses_the_parsed_project_and_a_busy_folder_is_left_alone(
    tmp_path: Path, sample_warehouse: Path
) -> None:
    kept = kept_target_folder(DOCS_TARGET, str(tmp_path / "target"))

    first, first_log = generate_docs(tmp_path, sample_warehouse, "first")
    second, second_log = generate_docs(tmp_path, sample_warehouse, "second")
    assert FULL_PARSE in first_log
    assert FULL_PARSE not in second_log
    parsed = (kept / "partial_parse.msgpack").stat().st_mtime_ns

    with open(kept.with_name(kept.name + ".lock"), "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        busy, busy_log = generate_docs(tmp_path, sample_warehouse, "busy")
    assert FULL_PARSE in busy_log  # a temporary folder of its own
    assert (kept / "partial_parse.msgpack").stat().st_mtime_ns == parsed

    for folder in (first, second, busy):
        page = (folder / "index.html").read_text(encoding="utf-8")
        assert "fct_identity_checks" in page


def test_a_run_reuses_the_last_runs_page_until_the_warehouses_columns_change(
    tmp_path: Path, sample_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in project_env(tmp_path, sample_warehouse).items():
        monkeypatch.setenv(name, value)
    warehouse = tmp_path / "published.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    first, second, third = (tmp_path / night / DOCS_FOLDER for night in ("first", "second", "third"))

    generated = start_dbt_docs(warehouse, first, previous=None)
    assert not generated.reused and generated.finish()
    reused = start_dbt_docs(warehouse, second, previous=first)
    assert reused.reused and reused.finish()
    assert (second / "index.html").samefile(first / "index.html")
    assert (second / KEY_FILE).read_text(encoding="utf-8") == (first / KEY_FILE).read_text(encoding="utf-8")

    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("alter table marts.dim_disclosure add column reviewer_note varchar")
    again = start_dbt_docs(warehouse, third, previous=second)
    assert not again.reused and again.finish()
    assert "reviewer_note" in (third / "index.html").read_text(encoding="utf-8")
    assert "reviewer_note" not in (second / "index.html").read_text(encoding="utf-8")


def test_the_docs_key_follows_the_environment_the_project_reads_and_no_other(sample_warehouse: Path) -> None:
    catalog = duckdb_catalog(sample_warehouse)
    environment = {"BUDGET_WAREHOUSE_READ_ONLY_PATH": "/srv/warehouse.duckdb", "PGPASSWORD": "one"}
    key = docs_key(DOCS_TARGET, environment, catalog)

    assert docs_key(DOCS_TARGET, environment, catalog) == key
    assert docs_key(DOCS_TARGET, {**environment, "UNRELATED": "x"}, catalog) == key
    assert docs_key(DOCS_TARGET, {**environment, "PGPASSWORD": "two"}, catalog) == key
    assert (
        docs_key(DOCS_TARGET, {**environment, "BUDGET_WAREHOUSE_READ_ONLY_PATH": "/srv/other"}, catalog)
        != key
    )
    assert docs_key("postgres", environment, catalog) != key
    assert docs_key(DOCS_TARGET, environment, catalog[1:]) != key
    # pytest shares dbt's test path here: its files change no page
    hashed = dbt_docs._project_files()
    assert PROJECT_DIR / "tests" / "generic" / "expression_is_true.sql" in hashed
    assert not [path for path in hashed if path.suffix == ".py"]


def test_a_page_reused_in_part_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    previous, destination = tmp_path / "previous", tmp_path / "this_run"
    previous.mkdir()
    (previous / dbt_docs.PAGE).write_text("<html>the last run's page</html>\n", encoding="utf-8")
    (previous / KEY_FILE).write_text("k\n", encoding="utf-8")

    def key_file_refused(source: Path, target: Path) -> bool:
        return target.name != KEY_FILE and link_or_copy(source, target)

    monkeypatch.setattr(dbt_docs, "link_or_copy", key_file_refused)

    assert not dbt_docs.reuse_page(previous, destination, "k")
    # dbt will write this run's page here: it must not be the last run's file
    assert list(destination.iterdir()) == []
    assert (previous / dbt_docs.PAGE).read_text(encoding="utf-8") == "<html>the last run's page</html>\n"
    assert not dbt_docs.reuse_page(previous, destination, "another key")
