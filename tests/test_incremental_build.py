"""An incremental night gives the answers a build from scratch gives, table for table.

Real nightlies on a generated corpus with a set of raw files per disclosure. The first night publishes a
warehouse; then, as imports do, one disclosure's amounts change, one disclosure's department is renamed,
one disclosure vanishes and a previous-year disclosure arrives (which changes its successor's multi-year
checks, though none of the successor's files changed). The second night is incremental; a third nightly,
on the same raw files with `--full-refresh` into another warehouse, builds everything from scratch. Every
table dbt built must hold the same rows in both (`except all` both ways).
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from budget_warehouse.bench.generate import PREDECESSOR, generate
from budget_warehouse.bench.run import nightly_command, nightly_environment
from budget_warehouse.incremental import (
    VERSION_TABLE,
    incremental_refusal,
    project_version,
    published_stamp,
    record_project_version,
    record_published,
)
from budget_warehouse.landing.contract import SAMPLE_DIR
from budget_warehouse.warehouse_paths import PROJECT_DIR
from tests.conftest import data_test_failures
from tests.same_answers import differences

BUILT_SCHEMAS = ("staging", "intermediate", "marts", "reference", "review")
CORPUS_SIZE = 22


def _nightly(raw_dir: Path, work_dir: Path, *extra: str) -> str:
    return _nightly_run(raw_dir, work_dir, *extra).stdout


def _nightly_run(raw_dir: Path, work_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        nightly_command(raw_dir, *extra),
        env=nightly_environment(work_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode in (0, 2), run.stdout[-3000:] + run.stderr[-3000:]
    return run


def _files_of(raw_dir: Path, disclosure_id: str) -> list[Path]:
    """The set of files holding the disclosure (one set per disclosure in this corpus)."""
    for path in raw_dir.glob("raw_disclosures__synthetic_*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            if any(row["disclosure_id"] == disclosure_id for row in csv.DictReader(handle)):
                suffix = path.name.removeprefix("raw_disclosures")
                return sorted(raw_dir.glob(f"*{suffix}"))
    raise AssertionError(f"no raw_disclosures file lists {disclosure_id}")


def _rewrite(path: Path, change: dict[str, str], where: dict[str, str]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        rows = list(reader)
    matched = [row for row in rows if all(row[key] == value for key, value in where.items())]
    assert matched, f"no row of {path.name} matches {where}"
    for row in matched:
        row.update(change)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _add_row_for(path: Path, disclosure_id: str) -> None:
    """A copy of the file's first record under another disclosure id."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        rows = list(reader)
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=columns, lineterminator="\n").writerow(
            {**rows[0], "disclosure_id": disclosure_id}
        )


def _built_tables(connection: duckdb.DuckDBPyConnection, catalog: str) -> set[tuple[str, str]]:
    rows = connection.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_catalog = ? and table_schema in {BUILT_SCHEMAS}",
        [catalog],
    ).fetchall()
    return {(str(schema), str(table)) for schema, table in rows}


def test_an_incremental_night_builds_what_a_build_from_scratch_builds(tmp_path: Path) -> None:
    raw_dir = tmp_path / "raw"
    planted = generate(raw_dir, CORPUS_SIZE, disclosures_per_file=1)
    predecessor = next(row.disclosure_id for row in planted if row.role == PREDECESSOR)
    successor = predecessor.removesuffix("-previous-year")
    amounts_changed, renamed, vanished = "synthetic-000001", "synthetic-000002", "synthetic-000003"
    held_out = tmp_path / "held_out"
    held_out.mkdir()
    for path in _files_of(raw_dir, predecessor):
        shutil.move(path, held_out / path.name)

    # a raw row of no disclosure, in a file no night changes: rejected in staging, and kept so every night
    _add_row_for(next(p for p in _files_of(raw_dir, "synthetic-000004") if "narrative_figures" in p.name), "")

    nights = tmp_path / "nights"
    _nightly(raw_dir, nights)

    for path in held_out.iterdir():
        shutil.move(path, raw_dir / path.name)
    (figures,) = (path for path in _files_of(raw_dir, amounts_changed) if "narrative_figures" in path.name)
    _rewrite(figures, {"value": "123456.78"}, {"disclosure_id": amounts_changed, "metric": "amount"})
    (listing,) = (path for path in _files_of(raw_dir, renamed) if path.name.startswith("raw_disclosures"))
    _rewrite(listing, {"department_name": "改名后的部门"}, {"disclosure_id": renamed})
    for path in _files_of(raw_dir, vanished):
        path.unlink()
    # a row naming a disclosure no file lists
    (function_lines,) = (p for p in _files_of(raw_dir, amounts_changed) if "function_lines" in p.name)
    _add_row_for(function_lines, "no-such-id")

    second_night = _nightly(raw_dir, nights, "--allow-shrink")
    assert "dbt build: incremental" in second_night, second_night
    # the new disclosure's set of 16 files, the changed figures and function lines, the renamed listing
    assert "(19 parsed," in second_night, second_night

    incremental = Path(nightly_environment(nights)["BUDGET_WAREHOUSE_PATH"])
    with duckdb.connect(str(incremental), read_only=True) as connection:
        changed = {
            row[0]
            for row in connection.execute(
                "select disclosure_id from intermediate.int_disclosures_changed"
            ).fetchall()
        }
    # the changed, renamed, vanished and new disclosures, and the successor of the new one (same department)
    assert {amounts_changed, renamed, vanished, predecessor, successor} <= changed
    assert len(changed) < CORPUS_SIZE / 2, changed

    from_scratch_dir = tmp_path / "from_scratch"
    scratch_night = _nightly(raw_dir, from_scratch_dir, "--full-refresh")
    assert "dbt build: every model from scratch (--full-refresh)" in scratch_night
    from_scratch = Path(nightly_environment(from_scratch_dir)["BUDGET_WAREHOUSE_PATH"])
    _assert_sliced_build_matches(raw_dir, tmp_path / "sliced", from_scratch)

    with duckdb.connect() as connection:
        connection.execute(f"attach '{incremental}' as incremental (read_only)")
        connection.execute(f"attach '{from_scratch}' as from_scratch (read_only)")
        tables = _built_tables(connection, "incremental")
        assert tables == _built_tables(connection, "from_scratch")
        assert ("marts", "fct_identity_checks") in tables
    # what the night found changed: empty on a build from scratch, by design
    differing = _tables_differing(
        incremental, from_scratch, unless=lambda table: table.endswith("disclosures_changed")
    )
    assert not differing, differing
    with duckdb.connect() as connection:
        connection.execute(f"attach '{incremental}' as incremental (read_only)")
        # the changes reached the findings: a sanity check that the comparison compared something
        (successor_checks,) = connection.execute(
            "select count(*) from incremental.marts.fct_identity_checks "
            "where disclosure_id = ? and rule_id like 'MY-%' "
            "and status not in ('insufficient_data', 'not_applicable')",
            [successor],
        ).fetchone() or (0,)
        assert successor_checks > 0
        (vanished_rows,) = connection.execute(
            "select count(*) from incremental.marts.fct_identity_checks where disclosure_id = ?", [vanished]
        ).fetchone() or (0,)
        assert vanished_rows == 0
        rejected = connection.execute(
            "select disclosure_id from incremental.staging.stg_final_accounts__function_lines "
            "where not is_accepted union all "
            "select disclosure_id from incremental.staging.stg_final_accounts__narrative_figures "
            "where not is_accepted"
        ).fetchall()
        # the row of no disclosure (an empty id lands as null) kept, the row of an unknown one added
        assert sorted(row[0] or "" for row in rejected) == ["", "no-such-id"], rejected


def _assert_sliced_build_matches(raw_dir: Path, work_dir: Path, from_scratch: Path) -> None:
    """A build from scratch a few disclosures at a time (as a large corpus is built) holds the rows of one
    query over every disclosure, the row of no disclosure and the row of an unknown one included."""
    _nightly(raw_dir, work_dir, "--full-refresh", "--vars", "{disclosures_per_slice: 4}")
    compiled = next((work_dir / "target" / "compiled").rglob("int_checks__calculations.sql")).read_text()
    slices = re.search(r"% ([0-9]+) end = getvariable\('budget_warehouse_disclosure_slice'\)", compiled)
    sliced = Path(nightly_environment(work_dir)["BUDGET_WAREHOUSE_PATH"])
    with duckdb.connect(str(sliced), read_only=True) as connection:
        (disclosures,) = connection.execute("select count(*) from landing.raw_disclosures").fetchone() or (0,)
    assert disclosures > 8
    assert slices and int(slices.group(1)) == -(-disclosures // 4), compiled[:2000]
    differing = _tables_differing(sliced, from_scratch)
    assert not differing, differing


def _tables_differing(left: Path, right: Path, unless: Callable[[str], bool] = lambda _: False) -> list[str]:
    """Every built table whose rows differ between two warehouses (`except all` both ways)."""
    left_name, right_name = left.parent.name, right.parent.name
    return [
        f"{schema}.{table}: {only_left} rows only in {left_name}, {only_right} only in {right_name}"
        for schema in BUILT_SCHEMAS
        for table, (only_left, only_right, _) in differences(left, right, schema).items()
        if (only_left or only_right) and not unless(table)
    ]


def _published_by(path: Path, version: str) -> Path:
    """A warehouse whose build from scratch `version` recorded, published as the nightly publishes."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema landing")
    record_project_version(path, whole_project=True, incremental=False)
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"update {VERSION_TABLE} set project_version = ?", [version])
    record_published(path)
    return path


def test_a_build_of_part_of_the_project_records_no_version(tmp_path: Path) -> None:
    building = _published_by(tmp_path / "building.duckdb", project_version())
    record_project_version(building, whole_project=False, incremental=True)
    record_published(building)
    assert incremental_refusal(building, []) == "no published warehouse built by a known project version"
    record_project_version(building, whole_project=True, incremental=False)
    record_published(building)
    assert incremental_refusal(building, []) is None


def test_one_night_in_seven_builds_from_scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    published = _published_by(tmp_path / "published.duckdb", project_version())
    refusals = []
    for _night in range(8):
        refusal = incremental_refusal(published, [])
        refusals.append(refusal)
        record_project_version(published, whole_project=True, incremental=refusal is None)
        record_published(published)
    assert [refusal is None for refusal in refusals] == [True] * 6 + [False] + [True]
    assert "one night in 7 builds from scratch" in (refusals[6] or "")
    monkeypatch.setenv("BUDGET_WAREHOUSE_FULL_BUILD_EVERY", "1")
    assert incremental_refusal(published, []) is not None


def test_a_night_is_incremental_only_after_a_whole_build_by_the_same_project(tmp_path: Path) -> None:
    assert (
        incremental_refusal(tmp_path / "none.duckdb", [])
        == "no published warehouse built by a known project version"
    )
    same = _published_by(tmp_path / "same.duckdb", project_version())
    assert incremental_refusal(same, []) is None
    assert incremental_refusal(same, ["--full-refresh"]) == "--full-refresh"
    assert "--select" in (incremental_refusal(same, ["--select", "dim_disclosure"]) or "")
    assert "-s" in (incremental_refusal(same, ["-s", "dim_disclosure"]) or "")
    # the nightly's own default option selects no part of the project
    assert incremental_refusal(same, ["--exclude-resource-type", "unit_test"]) is None
    # a build without its data tests is no base for a night that tests only the rows it computes
    for without_tests in (
        ["--exclude-resource-type", "unit_test", "test"],
        ["--exclude-resource-type=data_test"],
    ):
        assert "--exclude-resource-type" in (incremental_refusal(same, without_tests) or ""), without_tests
    assert incremental_refusal(same, ["--exclude-resource-type", "unit_test", "--target", "duckdb"]) is None
    older = _published_by(tmp_path / "older.duckdb", "a project of last week")
    assert incremental_refusal(older, []) == "the project changed since the published warehouse was built"


def test_the_project_version_follows_the_models_not_the_stewards_decisions(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, project / name)
    for folder in ("models", "macros", "seeds"):
        shutil.copytree(PROJECT_DIR / folder, project / folder)
    before = project_version(project)
    decisions = project / "seeds" / "steward_acknowledgements.csv"
    decisions.write_text(decisions.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert project_version(project) == before
    model = project / "models" / "marts" / "core" / "dim_disclosure.sql"
    model.write_text(model.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert project_version(project) != before


def test_a_published_warehouse_written_to_since_is_built_again_from_its_raw_files(tmp_path: Path) -> None:
    """Rows deleted by hand from the published file: an incremental night would keep the damage for every
    disclosure whose files did not change; the night after it parses and builds everything instead."""
    work_dir = tmp_path / "work"
    _nightly(SAMPLE_DIR, work_dir)
    published = work_dir / "warehouse.duckdb"
    count = "select count(*) from marts.fct_identity_checks"
    with duckdb.connect(str(published), read_only=True) as connection:
        (published_rows,) = connection.execute(count).fetchone() or (0,)
    with duckdb.connect(str(published)) as connection:
        connection.execute("delete from marts.fct_identity_checks where status = 'fail'")

    rebuilt = _nightly(SAMPLE_DIR, work_dir)
    written = "the published warehouse was written to or replaced since the nightly published it"
    assert f"landing: every raw file is parsed again: {written}" in rebuilt
    assert f"dbt build: every model from scratch ({written})" in rebuilt
    with duckdb.connect(str(published), read_only=True) as connection:
        assert connection.execute(count).fetchone() == (published_rows,)

    # nothing written since (the report only read it): the next night is incremental again
    assert "dbt build: incremental" in _nightly(SAMPLE_DIR, work_dir)
    # a warehouse with no record of its publishing (one published by an earlier version) is rebuilt once
    published_stamp(published).unlink()
    assert "dbt build: every model from scratch (no record of how the nightly published" in _nightly(
        SAMPLE_DIR, work_dir
    )


def test_a_publish_that_cannot_be_recorded_is_published_and_rebuilt_the_night_after(tmp_path: Path) -> None:
    work_dir = tmp_path / "work"
    published = work_dir / "warehouse.duckdb"
    # where the record is written first is taken by a folder: writing it fails after the rename
    blocked = published_stamp(published).with_name(published_stamp(published).name + ".incoming")
    blocked.mkdir(parents=True)
    first = _nightly_run(SAMPLE_DIR, work_dir)  # exits 0 or 2: published
    assert "nightly: published, but not recorded as published" in first.stderr
    assert published.is_file()
    blocked.rmdir()
    assert "dbt build: every model from scratch (no record of how the nightly published" in _nightly(
        SAMPLE_DIR, work_dir
    )


def _executed_test_sql(work_dir: Path, test_name: str) -> str:
    """The SQL dbt ran for a data test in the night's build (target/run)."""
    (path,) = (work_dir / "target" / "run").rglob(f"{test_name}.sql")
    return path.read_text(encoding="utf-8")


def _has_kept_models(warehouse: Path) -> bool:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return bool(
            connection.execute(
                "select 1 from information_schema.tables where table_name = 'kept_models'"
            ).fetchall()
        )


def test_an_incremental_nights_data_tests_read_the_rows_it_computed(tmp_path: Path) -> None:
    """The rows kept from the published warehouse were tested by the build that computed them: an
    incremental night's data tests read the changed disclosures' rows (and for `unique`, every row sharing a
    value with them), a night from scratch every row."""
    raw_dir, nights = tmp_path / "raw", tmp_path / "nights"
    generate(raw_dir, 6, disclosures_per_file=1)
    changed = "synthetic-000001"
    not_null, unique = "not_null_fct_identity_checks_finding_id", "unique_fct_identity_checks_finding_id"
    published = Path(nightly_environment(nights)["BUDGET_WAREHOUSE_PATH"])

    _nightly(raw_dir, nights)
    assert "int_disclosures_changed" not in _executed_test_sql(nights, not_null)

    (figures,) = (path for path in _files_of(raw_dir, changed) if "narrative_figures" in path.name)
    _rewrite(figures, {"value": "123456.78"}, {"disclosure_id": changed, "metric": "amount"})
    assert "dbt build: incremental" in _nightly(raw_dir, nights)
    scoped_not_null, scoped_unique = (_executed_test_sql(nights, name) for name in (not_null, unique))
    assert "int_disclosures_changed" in scoped_not_null
    # a view over every disclosure is tested whole
    assert "int_disclosures_changed" not in _executed_test_sql(
        nights, "fct_findings_reviewed_one_row_per_finding"
    )

    # the scoped SQL still finds what it is for, on a copy of the warehouse given faults
    faulty = tmp_path / "faulty.duckdb"
    shutil.copyfile(published, faulty)
    assert data_test_failures(faulty, scoped_unique) == data_test_failures(faulty, scoped_not_null) == 0
    with duckdb.connect(str(faulty)) as connection:
        (other,) = connection.execute(
            "select finding_id from marts.fct_identity_checks where disclosure_id <> ? limit 1", [changed]
        ).fetchone() or ("",)
        assert other
        # a changed disclosure's row repeating an unchanged disclosure's finding id, and one without an id
        connection.execute(
            "insert into marts.fct_identity_checks select * replace (? as disclosure_id) "
            "from marts.fct_identity_checks where finding_id = ?",
            [changed, other],
        )
        connection.execute(
            "insert into marts.fct_identity_checks select * replace (null as finding_id) "
            "from marts.fct_identity_checks where disclosure_id = ? limit 1",
            [changed],
        )
    assert data_test_failures(faulty, scoped_unique) == 1
    assert data_test_failures(faulty, scoped_not_null) == 1

    # the landing's word to this build's tests is not published: a `dbt test` on the file tests every row
    assert not _has_kept_models(published)

    # one night in N builds from scratch from the published landing: every row is tested again
    env = {**nightly_environment(nights), "BUDGET_WAREHOUSE_FULL_BUILD_EVERY": "1"}
    run = subprocess.run(nightly_command(raw_dir), env=env, capture_output=True, text=True, check=False)
    assert "dbt build: every model from scratch (one night in 1" in run.stdout, run.stdout[-3000:]
    assert "int_disclosures_changed" not in _executed_test_sql(nights, not_null)
