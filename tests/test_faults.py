"""The nightly job against hostile input and other processes: nothing lost, nothing half-published.

Each test runs the real job (landing, dbt build on DuckDB, guard, publish) as `make nightly` does.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from budget_warehouse.nightly import NOT_PUBLISHED, REPORT_FAILED, WAREHOUSE_BUSY, validate_published
from budget_warehouse.phase_timer import PhaseTimer
from tests.conftest import PROJECT_DIR, built_and_published, project_env, run_nightly

SAMPLE_DIR = PROJECT_DIR / "seeds" / "sample"
DISCLOSURE = "luzhou-hrss-2020"


def copy_sample(destination: Path) -> Path:
    shutil.copytree(SAMPLE_DIR, destination, ignore=shutil.ignore_patterns("*.yml"))
    return destination


def published_copy(tmp_path: Path, sample_warehouse: Path) -> tuple[Path, bytes]:
    warehouse = tmp_path / "budget_warehouse.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    return warehouse, warehouse.read_bytes()


def rewrite_rows(path: Path, change: dict[str, str], *, duplicate: bool = False) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fieldnames = list(rows[0])
    changed = [{**row, **change} for row in rows]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(changed + (rows if duplicate else []))


def test_a_rejected_disclosure_never_replaces_the_published_warehouse(
    tmp_path: Path, sample_warehouse: Path
) -> None:
    raw_dir = copy_sample(tmp_path / "raw")
    # the year printed with its unit, and the disclosure listed a second time
    rewrite_rows(raw_dir / "raw_disclosures.csv", {"fiscal_year": "2020年"}, duplicate=True)
    warehouse, before = published_copy(tmp_path, sample_warehouse)

    result = run_nightly(tmp_path, warehouse, "--raw-dir", str(raw_dir))

    assert result.returncode == NOT_PUBLISHED, result.stdout[-2000:] + result.stderr[-2000:]
    assert "publish refused" in result.stderr
    assert f"1 disclosure(s) of the published warehouse would disappear: {DISCLOSURE}" in result.stderr
    assert "previous warehouse is unchanged" in result.stderr
    assert warehouse.read_bytes() == before
    assert not (tmp_path / "budget_warehouse.duckdb.building").exists()


def test_an_emptied_mart_refuses_the_publish_unless_allowed(tmp_path: Path, sample_warehouse: Path) -> None:
    raw_dir = copy_sample(tmp_path / "raw")
    header = (raw_dir / "raw_projects.csv").read_text(encoding="utf-8").splitlines()[0]
    (raw_dir / "raw_projects.csv").write_text(header + "\n", encoding="utf-8")
    warehouse, before = published_copy(tmp_path, sample_warehouse)

    refused = run_nightly(tmp_path, warehouse, "--raw-dir", str(raw_dir))
    assert refused.returncode == NOT_PUBLISHED
    assert "marts.fct_project_execution would become empty (5 rows published)" in refused.stderr
    assert warehouse.read_bytes() == before

    allowed = run_nightly(tmp_path, warehouse, "--raw-dir", str(raw_dir), "--allow-shrink")
    assert built_and_published(allowed), allowed.stdout[-2000:] + allowed.stderr[-2000:]
    assert "published although marts.fct_project_execution would become empty" in allowed.stdout
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert connection.execute("select count(*) from marts.fct_project_execution").fetchone() == (0,)


def test_a_stale_wal_is_set_aside_never_replayed_onto_the_new_build(
    tmp_path: Path, sample_warehouse: Path
) -> None:
    warehouse, _ = published_copy(tmp_path, sample_warehouse)
    # a read-write client deletes rows and dies before its checkpoint: its write-ahead log stays behind
    crash = (
        "import duckdb, os, sys\n"
        "c = duckdb.connect(sys.argv[1])\n"
        "c.execute(\"set checkpoint_threshold = '10GB'\")\n"
        "c.execute('delete from marts.fct_expenditure_by_function')\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", crash, str(warehouse)], check=True)
    wal = Path(f"{warehouse}.wal")
    assert wal.exists()

    result = run_nightly(tmp_path, warehouse)

    assert built_and_published(result), result.stdout[-2000:] + result.stderr[-2000:]
    assert "a stale write-ahead log beside the published file was set aside" in result.stdout
    assert not wal.exists()
    assert list(tmp_path.glob("budget_warehouse.duckdb.wal.stale-*"))
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert connection.execute("select count(*) from marts.fct_expenditure_by_function").fetchone() == (
            41,
        )


def test_a_second_nightly_on_the_same_warehouse_exits_at_once(tmp_path: Path) -> None:
    warehouse = tmp_path / "budget_warehouse.duckdb"
    first = subprocess.Popen(
        [sys.executable, "-m", "budget_warehouse.nightly"],
        cwd=PROJECT_DIR,
        env=project_env(tmp_path / "first", warehouse),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = Path(f"{warehouse}.lock")
    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
        assert time.monotonic() < deadline, "the first nightly never took the lock"
        time.sleep(0.1)

    started = time.monotonic()
    second = run_nightly(tmp_path / "second", warehouse)
    waited = time.monotonic() - started
    out, err = first.communicate(timeout=600)

    assert second.returncode == WAREHOUSE_BUSY
    assert f"another nightly is running on {warehouse} (pid {first.pid})" in second.stderr
    assert waited < 20
    assert first.returncode in (0, 2), out[-2000:] + err[-2000:]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert connection.execute("select count(*) from marts.dim_disclosure").fetchone() == (1,)


def test_an_unwritable_reports_folder_is_its_own_exit_code_and_builds_nothing(tmp_path: Path) -> None:
    warehouse = tmp_path / "budget_warehouse.duckdb"
    env = project_env(tmp_path, warehouse)
    blocker = tmp_path / "reports-is-a-file"
    blocker.write_text("", encoding="utf-8")
    env["BUDGET_WAREHOUSE_REPORTS_DIR"] = str(blocker)
    result = subprocess.run(
        [sys.executable, "-m", "budget_warehouse.nightly"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == REPORT_FAILED
    assert f"the reports folder {blocker} is not writable" in result.stderr
    assert not warehouse.exists()


@pytest.fixture(scope="module")
def hostile_folder_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """One build of a raw folder (with a quote in its path) full of structural and value faults."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    raw_dir = copy_sample(tmp_path / "raw 'quoted' folder")
    lines = raw_dir / "raw_function_lines.csv"
    text = lines.read_text(encoding="utf-8").splitlines()
    header, first, *rest = text
    values = ("1e20", "9.1669e2", "1.1234567", "1234567890123")
    fields = next(csv.reader([first]))
    amount_at = next(csv.reader([header])).index("amount")
    value_rows = []
    for value in values:
        row = list(fields)
        row[amount_at] = value
        value_rows.append(",".join(f'"{cell}"' for cell in row))
    largest = list(fields)
    largest[amount_at] = "999999999999.999999"
    lines.write_text(
        "\n".join(
            [
                "泸州市人力资源和社会保障局 2020 年度部门决算,,,",  # line 1: a title above the header
                header,  # line 2
                first,  # line 3
                "",  # line 4: blank
                first + ",an unquoted comma",  # line 5: ragged
                *value_rows,  # lines 6-9
                ",".join(f'"{cell}"' for cell in largest),  # line 10: the largest amount accepted
                *rest,
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    (raw_dir / "raw_projects__empty.csv").write_bytes(b"")
    (raw_dir / "raw_named_units__extra.csv").write_text(
        "disclosure_id,list_id,item_no,source_section\nluzhou-hrss-2020,L9,1,s\n", encoding="utf-8"
    )
    (raw_dir / "raw_code_definitions__gbk.csv").write_bytes(
        "disclosure_id,entry_no,function_code,function_name,category_printed,definition,source_section\n"
        "luzhou-hrss-2020,99,2080101,行政运行,项级科目,反映行政单位的基本支出。,第四部分 名词解释\n".encode(
            "gbk"
        )
    )
    (raw_dir / "raw_funtion_lines.csv").write_text("misnamed,file\n", encoding="utf-8")
    rewrite_rows(raw_dir / "raw_disclosures.csv", {"published_on": "2021-13-45"})
    # the bad date rejects the disclosure: allow the publish, this test is about what is reported
    warehouse = tmp_path / "hostile.duckdb"
    result = run_nightly(tmp_path, warehouse, "--raw-dir", str(raw_dir))
    assert built_and_published(result), result.stdout[-3000:] + result.stderr[-3000:]
    return warehouse, raw_dir, result.stdout


def test_a_report_duckdb_cannot_write_is_a_report_failure_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A full disk under the exports fails DuckDB's COPY with its IOException, which is no OSError: the job
    still says the warehouse was published and the report was not written, with its own exit code."""
    not_a_folder = tmp_path / "reports"
    not_a_folder.write_text("", encoding="utf-8")

    def export() -> int:
        with duckdb.connect() as connection:
            connection.execute(f"copy (select 1 as finding) to '{not_a_folder / 'findings.json'}'")
        return 0

    assert validate_published(PhaseTimer(), export) == REPORT_FAILED
    assert "nightly: published, but the report could not be written" in capsys.readouterr().err


def test_every_fault_is_rejected_with_its_file_exact_line_and_reason(
    hostile_folder_run: tuple[Path, Path, str],
) -> None:
    warehouse, raw_dir, _ = hostile_folder_run
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rejected = connection.execute(
            "select source_file, source_line, rejected_at, rejection_reason from marts.fct_rejected_rows "
            "where raw_file_name = 'raw_function_lines' order by source_line"
        ).fetchall()
        largest = connection.execute(
            "select count(*) from staging.stg_final_accounts__function_lines "
            "where source_line = 10 and amount = 999999999999.999999"
        ).fetchone()
    by_line = {line: (at, reason) for _, line, at, reason in rejected}
    assert all(Path(file).parent == raw_dir for file, *_ in rejected)
    columns = len((raw_dir / "raw_function_lines.csv").read_text(encoding="utf-8").splitlines()[1].split(","))
    assert by_line[5] == (
        "landing",
        f"the row has {columns + 1} fields where the header has {columns} (an unquoted comma or quote?)",
    )
    assert by_line[3][0] == "staging"  # rows naming the rejected disclosure are kept, not dropped
    for line, expected in zip(range(6, 10), (
        "amount is in scientific notation, which is not allowed: 1e20",
        "amount is in scientific notation, which is not allowed: 9.1669e2",
        "amount has more than 6 decimals (they would be rounded): 1.1234567",
        "amount is out of range (more than 12 digits before the decimal point): 1234567890123",
    ), strict=True):  # fmt: skip
        assert expected in by_line[line][1], by_line[line]
    assert largest == (1,)


def test_the_load_reconciles_by_file_and_names_broken_files(
    hostile_folder_run: tuple[Path, Path, str],
) -> None:
    warehouse, _, _ = hostile_folder_run
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        files = {
            Path(row[0]).name: row[1:]
            for row in connection.execute(
                "select source_file, raw_file_name, encoding, file_problem, physical_lines, parsed_lines, "
                "title_lines, blank_lines, raw_rows, accepted_rows, rejected_rows, is_reconciled "
                "from marts.fct_load_reconciliation"
            ).fetchall()
        }
        disclosure_reason = connection.execute(
            "select rejection_reason from marts.fct_rejected_rows where raw_file_name = 'raw_disclosures'"
        ).fetchone()
    lines = files["raw_function_lines.csv"]
    assert lines[3] == lines[4]  # every physical line was read
    assert lines[5:7] == (1, 1)  # one title line, one blank line
    assert lines[7] == lines[8] + lines[9]
    assert lines[10] is True
    assert files["raw_projects__empty.csv"][2] == "0 bytes: no header and no rows"
    assert "lacks column(s) unit_name" in files["raw_named_units__extra.csv"][2]
    assert files["raw_code_definitions__gbk.csv"][1] == "gb18030"
    assert files["raw_funtion_lines.csv"][0] is None
    assert files["raw_funtion_lines.csv"][-1] is False
    assert disclosure_reason is not None
    assert "published_on is not a date (YYYY-MM-DD): 2021-13-45" in disclosure_reason[0]


def test_the_stewards_see_what_was_not_loaded_and_the_gate_fails(
    hostile_folder_run: tuple[Path, Path, str],
) -> None:
    _, _, stdout = hostile_folder_run
    assert "not loaded:" in stdout
    assert "gate: FAILED" in stdout
    assert "newly not loaded" in stdout


def test_the_job_sends_no_telemetry_however_it_is_started() -> None:
    env = {key: value for key, value in os.environ.items() if "ANALYTICS" not in key and "USAGE" not in key}
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, budget_warehouse.nightly; "
            "print(os.environ['DBT_SEND_ANONYMOUS_USAGE_STATS'], os.environ['GX_ANALYTICS_ENABLED'])",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert printed.stdout.split() == ["false", "false"]


def test_dbt_run_by_hand_never_targets_the_published_file() -> None:
    profile = (PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    default_path = next(
        line for line in profile.splitlines() if "BUDGET_WAREHOUSE_BUILD_PATH" in line and "path:" in line
    )
    assert "warehouse/dev/" in default_path
    assert "budget_warehouse.duckdb" not in default_path
