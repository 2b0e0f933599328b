"""`python -m budget_warehouse.export --target duckdb`: the published marts as Parquet with a manifest.

The sample's published warehouse (the session's nightly) is exported by the command, as `make export` runs
it; every file must hold its mart whole, money as DECIMAL and codes as text, the manifest must describe the
files as they are, and a rerun or a failure must never leave a half-written folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import PROJECT_DIR, project_env


def run_export(
    tmp_dir: Path, warehouse: Path, out: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    variables = project_env(tmp_dir, warehouse)
    variables.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "budget_warehouse.export", "--out", str(out), *args],
        cwd=PROJECT_DIR,
        env=variables,
        capture_output=True,
        text=True,
        check=False,
    )


def read_manifest(folder: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return manifest


def folder_digest(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def parquet_types(path: Path) -> dict[str, str]:
    rows = duckdb.sql(f"describe select * from read_parquet('{path}')").fetchall()
    return {str(name): str(kind) for name, kind, *_ in rows}


@pytest.fixture(scope="module")
def exported(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_dir = tmp_path_factory.mktemp("export")
    out = tmp_dir / "marts"
    result = run_export(tmp_dir, sample_warehouse, out, "--target", "duckdb")
    assert result.returncode == 0, result.stdout + result.stderr
    print(result.stdout)
    return out


def test_every_mart_is_one_file_and_the_manifest_describes_it(exported: Path, sample_warehouse: Path) -> None:
    manifest = read_manifest(exported)
    assert manifest["format_version"] == 1
    assert manifest["target"] == "duckdb"
    assert manifest["source"] == {"engine": "duckdb", "path": str(sample_warehouse), "schema": "marts"}
    assert datetime.fromisoformat(manifest["exported_at"]).utcoffset() == UTC.utcoffset(None)
    with duckdb.connect(str(sample_warehouse), read_only=True) as warehouse:
        marts = [
            str(name)
            for (name,) in warehouse.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        assert [mart["name"] for mart in manifest["marts"]] == marts
        assert sorted(path.name for path in exported.iterdir()) == sorted(
            [f"{mart}.parquet" for mart in marts] + ["manifest.json"]
        )
        for mart in manifest["marts"]:
            path = exported / mart["file"]
            row = warehouse.execute(f"select count(*) from marts.{mart['name']}").fetchone()
            assert row is not None and mart["rows"] == row[0], mart["name"]
            assert mart["bytes"] == path.stat().st_size
            assert mart["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
            assert {column["name"]: column["type"] for column in mart["columns"]} == parquet_types(path)
    descriptions = {mart["name"]: mart["description"] for mart in manifest["marts"]}
    assert descriptions["fct_identity_checks"].startswith("One row per disclosure x rule x subject")
    assert all(descriptions.values())
    assert not [path for path in exported.parent.iterdir() if path.name != "marts"]


def test_the_findings_file_equals_the_mart_row_for_row(exported: Path, sample_warehouse: Path) -> None:
    with duckdb.connect(str(sample_warehouse), read_only=True) as warehouse:
        parquet = f"read_parquet('{exported / 'fct_identity_checks.parquet'}')"
        mart = "marts.fct_identity_checks"
        for first, second in ((mart, parquet), (parquet, mart)):
            missing = warehouse.execute(f"select * from {first} except all select * from {second}").fetchall()
            assert missing == [], missing[:3]
        row = warehouse.execute(f"select count(*) from {parquet}").fetchone()
        assert row is not None and row[0] > 0


def test_money_is_decimal_and_codes_are_text(exported: Path) -> None:
    findings = parquet_types(exported / "fct_identity_checks.parquet")
    for column in ("provided_value", "expected_value", "difference", "tolerance"):
        assert findings[column].startswith("DECIMAL("), (column, findings[column])
    spending = parquet_types(exported / "fct_expenditure_by_function.parquet")
    assert spending["actual_amount"] == "DECIMAL(20,6)"
    assert spending["function_code"] == "VARCHAR"
    assert parquet_types(exported / "dim_disclosure.parquet")["disclosure_id"] == "VARCHAR"
    for path in exported.glob("*.parquet"):
        floats = {name: kind for name, kind in parquet_types(path).items() if kind in ("FLOAT", "DOUBLE")}
        assert not floats, (path.name, floats)


def test_a_rerun_replaces_the_folder(exported: Path, sample_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "marts"
    shutil.copytree(exported, out)
    (out / "stale_mart.parquet").write_bytes(b"left by an older export")
    result = run_export(tmp_path, sample_warehouse, out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (out / "stale_mart.parquet").exists()
    assert sorted(path.name for path in out.iterdir()) == sorted(path.name for path in exported.iterdir())
    # the same warehouse gives the same files, byte for byte
    assert [mart["sha256"] for mart in read_manifest(out)["marts"]] == [
        mart["sha256"] for mart in read_manifest(exported)["marts"]
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["marts"]


def test_no_published_warehouse_exits_1_and_keeps_the_previous_export(exported: Path, tmp_path: Path) -> None:
    out = tmp_path / "marts"
    shutil.copytree(exported, out)
    before = folder_digest(out)
    missing = tmp_path / "no_such_warehouse.duckdb"
    result = run_export(tmp_path, missing, out)
    assert result.returncode == 1, result.stdout + result.stderr
    assert str(missing) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "the previous export" in result.stderr and "is unchanged" in result.stderr
    assert folder_digest(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["marts"]


def test_a_folder_that_is_not_an_export_is_not_replaced(sample_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "notes.txt").write_text("someone's work", encoding="utf-8")
    result = run_export(tmp_path, sample_warehouse, out)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "is not an export" in result.stderr
    assert [path.name for path in out.iterdir()] == ["notes.txt"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["documents"]


def test_a_column_parquet_cannot_hold_exactly_stops_the_export(exported: Path, tmp_path: Path) -> None:
    """A HUGEINT (a DuckDB sum of integers) would be written as a Parquet DOUBLE: the export names the mart
    and the column, exits 1, and leaves the previous export as it was, with no .building folder."""
    warehouse = tmp_path / "odd.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            "create schema marts; "
            "create table marts.a_amounts as select 1.5::decimal(20, 6) as amount; "
            "create table marts.b_totals as select 'T1' as table_code, 12::hugeint as total"
        )
    out = tmp_path / "marts"
    shutil.copytree(exported, out)
    before = folder_digest(out)
    result = run_export(tmp_path, warehouse, out)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "b_totals: column total is HUGEINT in the source, DOUBLE as written" in result.stderr
    assert folder_digest(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["marts", "odd.duckdb"]
