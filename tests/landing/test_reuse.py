"""A landing that takes unchanged files from the published warehouse lands what parsing every file would."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from budget_warehouse.incremental import record_published
from budget_warehouse.landing.contract import SAMPLE_DIR
from budget_warehouse.landing.land import LANDING_SCHEMA, LandingResult, land
from budget_warehouse.nightly import landing_reuse_source
from tests.same_answers import differences

CHANGED_FILE = "raw_named_units.csv"


@pytest.fixture()
def raw_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    shutil.copytree(SAMPLE_DIR, folder, ignore=shutil.ignore_patterns("*.yml"))
    return folder


@pytest.fixture()
def published(tmp_path: Path, raw_dir: Path) -> Path:
    """The landing as last night's published warehouse holds it."""
    database = tmp_path / "published.duckdb"
    land([raw_dir], database)
    return database


def assert_same_landing(left: Path, right: Path) -> None:
    found = differences(left, right, LANDING_SCHEMA)
    # what changed since the published landing: nothing on a landing from scratch, by design
    found.pop("disclosures_changed")
    assert {table: counts[:2] for table, counts in found.items()} == {table: (0, 0) for table in found}
    assert found["raw_narrative_figures"][2] > 0


def change_one_file(raw_dir: Path) -> None:
    path = raw_dir / CHANGED_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n", encoding="utf-8")  # a blank line: new bytes, a line not loaded


def test_only_changed_files_are_parsed_and_the_landing_is_the_same(
    tmp_path: Path, raw_dir: Path, published: Path
) -> None:
    change_one_file(raw_dir)
    from_scratch = tmp_path / "scratch.duckdb"
    land([raw_dir], from_scratch)

    incremental = tmp_path / "incremental.duckdb"
    result = land([raw_dir], incremental, reuse_from=published)

    assert [parsed.path.name for parsed in result.files] == [CHANGED_FILE]
    assert len(result.reused) == len(list(SAMPLE_DIR.glob("raw_*.csv"))) - 1
    assert "(1 parsed, 15 unchanged since last published)" in result.summary()
    assert_same_landing(from_scratch, incremental)
    with duckdb.connect(str(incremental), read_only=True) as connection:
        changed = connection.execute(
            f"select distinct disclosure_id from {LANDING_SCHEMA}.disclosures_changed"
        )
        assert changed.fetchall() == [("luzhou-hrss-2020",)]


def test_a_file_of_the_same_size_with_other_bytes_is_parsed(
    tmp_path: Path, raw_dir: Path, published: Path
) -> None:
    path = raw_dir / "raw_function_lines.csv"
    content = path.read_bytes()
    edited = content.replace(b"2080101", b"2080199", 1)
    assert edited != content and len(edited) == len(content)
    path.write_bytes(edited)

    result = land([raw_dir], tmp_path / "incremental.duckdb", reuse_from=published)

    assert [parsed.path.name for parsed in result.files] == ["raw_function_lines.csv"]
    counted = f"select count(*) from {LANDING_SCHEMA}.raw_function_lines where function_code = '2080101'"
    with duckdb.connect(str(published), read_only=True) as connection:
        (before,) = connection.execute(counted).fetchone() or (0,)
    with duckdb.connect(str(tmp_path / "incremental.duckdb"), read_only=True) as connection:
        (after,) = connection.execute(counted).fetchone() or (0,)
    assert after == before - 1


def parsed_everything(result: LandingResult, reason: str) -> None:
    assert not result.reused
    assert len(result.files) == len(list(SAMPLE_DIR.glob("raw_*.csv")))
    assert result.not_reused_because is not None and reason in result.not_reused_because
    assert f"(all parsed: {result.not_reused_because})" in result.summary()


def test_a_landing_by_another_version_is_not_reused(tmp_path: Path, raw_dir: Path, published: Path) -> None:
    with duckdb.connect(str(published)) as connection:
        connection.execute(f"update {LANDING_SCHEMA}.landed_files set parser_version = 'an older landing'")

    result = land([raw_dir], tmp_path / "incremental.duckdb", reuse_from=published)

    parsed_everything(result, "landed by another version")


def test_a_published_warehouse_edited_by_hand_is_not_trusted(
    tmp_path: Path, raw_dir: Path, published: Path
) -> None:
    with duckdb.connect(str(published)) as connection:
        connection.execute(f"delete from {LANDING_SCHEMA}.raw_projects where source_line = 2")
    from_scratch = tmp_path / "scratch.duckdb"
    land([raw_dir], from_scratch)

    incremental = tmp_path / "incremental.duckdb"
    result = land([raw_dir], incremental, reuse_from=published)

    parsed_everything(result, "landing.raw_projects holds 4 rows of the unchanged files where")
    assert_same_landing(from_scratch, incremental)


def test_a_published_warehouse_with_a_write_ahead_log_is_not_copied(
    tmp_path: Path, raw_dir: Path, published: Path
) -> None:
    published.with_name(published.name + ".wal").write_bytes(b"changes of a writer that did not close")

    result = land([raw_dir], tmp_path / "incremental.duckdb", reuse_from=published)

    parsed_everything(result, "write-ahead log")


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "no published warehouse"), (b"not a database", "cannot be read")],
)
def test_no_readable_published_warehouse_means_parsing_every_file(
    tmp_path: Path, raw_dir: Path, content: bytes | None, reason: str
) -> None:
    published = tmp_path / "published.duckdb"
    if content is not None:
        published.write_bytes(content)

    result = land([raw_dir], tmp_path / "incremental.duckdb", reuse_from=published)

    parsed_everything(result, reason)


def test_full_refresh_parses_every_file_again(tmp_path: Path) -> None:
    published = tmp_path / "budget_warehouse.duckdb"
    duckdb.connect(str(published)).close()
    record_published(published)
    assert landing_reuse_source(published, ["--select", "marts"]) == published
    assert landing_reuse_source(published, ["--full-refresh"]) is None


def test_a_published_file_written_to_since_it_was_published_is_not_reused(tmp_path: Path) -> None:
    published = tmp_path / "budget_warehouse.duckdb"
    assert landing_reuse_source(published, []) is None  # nothing published yet
    duckdb.connect(str(published)).close()
    assert landing_reuse_source(published, []) is None  # no record of its publishing
    record_published(published)
    with duckdb.connect(str(published), read_only=True) as reader:
        reader.execute("select 1").fetchall()
    assert landing_reuse_source(published, []) == published  # read, never written
    with duckdb.connect(str(published)) as writer:
        writer.execute("create table edited as select 1 as a")
    assert landing_reuse_source(published, []) is None


def test_what_dbt_built_is_kept_only_for_an_incremental_build(
    tmp_path: Path, raw_dir: Path, published: Path
) -> None:
    with duckdb.connect(str(published)) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.built_last_night as select 1 as disclosure_rows")
    change_one_file(raw_dir)

    def has_built_schema(database: Path) -> bool:
        with duckdb.connect(str(database), read_only=True) as connection:
            return bool(
                connection.execute(
                    "select 1 from information_schema.schemata where schema_name = 'marts'"
                ).fetchall()
            )

    def kept_from(database: Path) -> list[tuple[str]]:
        """What landing.kept_models says (no such table: nothing kept), for dbt's tests of the night."""
        with duckdb.connect(str(database), read_only=True) as connection:
            if not connection.execute(
                "select 1 from information_schema.tables where table_name = 'kept_models'"
            ).fetchall():
                return []
            rows = connection.execute(f"select kept_from from {LANDING_SCHEMA}.kept_models").fetchall()
            return [(str(row[0]),) for row in rows]

    kept = tmp_path / "kept.duckdb"
    land([raw_dir], kept, reuse_from=published, keep_built=True)
    assert has_built_schema(kept)
    assert kept_from(kept) == [(str(published),)]
    dropped = tmp_path / "dropped.duckdb"
    land([raw_dir], dropped, reuse_from=published)
    assert not has_built_schema(dropped)
    assert kept_from(dropped) == []
    # landing every file into a file dbt built (the development file) leaves no model built on other rows
    land([raw_dir], kept)
    assert not has_built_schema(kept)
    assert kept_from(kept) == []
