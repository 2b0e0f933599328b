"""Bulk raw files: a row that breaks the contract is rejected with its file, line and reason, never lost."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb

from tests.conftest import PROJECT_DIR, built_and_published, run_nightly

SAMPLE_DIR = PROJECT_DIR / "seeds" / "sample"


def append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writerows(rows)


def test_bad_rows_are_rejected_with_file_line_and_reason(tmp_path: Path) -> None:
    raw_dir = tmp_path / "raw"
    shutil.copytree(SAMPLE_DIR, raw_dir, ignore=shutil.ignore_patterns("*.yml"))
    lines_file = raw_dir / "raw_function_lines.csv"
    raw_lines = sum(1 for _ in lines_file.open(encoding="utf-8")) - 1
    append_rows(
        lines_file,
        [
            {
                "disclosure_id": "luzhou-hrss-2020",
                "table_code": "T5",
                "fund_type": "general_public_budget",
                "function_code": "20801A",
                "function_name": "行政运行",
                "measure": "actual_total",
                "amount": "1,234.5",
                "unit": "万元",
            },
            {
                "disclosure_id": "no-such-disclosure",
                "table_code": "T5",
                "fund_type": "general_public_budget",
                "function_code": "2080101",
                "function_name": "行政运行",
                "measure": "actual_total",
                "amount": "1.00",
                "unit": "千元",
            },
        ],
    )
    warehouse = tmp_path / "bulk.duckdb"
    result = run_nightly(tmp_path, warehouse, "--vars", f"{{raw_files_dir: '{raw_dir}'}}")
    assert built_and_published(result), result.stdout[-3000:] + result.stderr[-3000:]

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rejected = connection.execute(
            "select source_file, source_line, rejection_reason from marts.fct_rejected_rows "
            "order by source_line"
        ).fetchall()
        reconciliation = connection.execute(
            "select raw_rows, accepted_rows, rejected_rows from marts.fct_load_reconciliation "
            "where raw_file_name = 'raw_function_lines'"
        ).fetchone()
        line_count = connection.execute(
            "select count(*) from marts.fct_expenditure_by_function where function_level = '项'"
        ).fetchone()

    assert [(Path(file).name, line) for file, line, _ in rejected] == [
        ("raw_function_lines.csv", raw_lines + 2),
        ("raw_function_lines.csv", raw_lines + 3),
    ]
    first_reason, second_reason = rejected[0][2], rejected[1][2]
    assert "function_code must be 3, 5 or 7 digits, not 20801A" in first_reason
    assert "amount is not a number: 1,234.5" in first_reason
    assert "unknown disclosure_id no-such-disclosure" in second_reason
    assert "unit must be 万元 or 元, not 千元" in second_reason
    assert reconciliation == (raw_lines + 2, raw_lines, 2)
    assert line_count == (26,)
