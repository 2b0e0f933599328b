"""The landing step reads raw files by their physical lines: every record placed exactly, nothing dropped."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from budget_warehouse.landing.contract import SAMPLE_DIR, kind_of
from budget_warehouse.landing.land import LandingError, land
from budget_warehouse.landing.read_file import ParsedFile, read_raw_file

NAMED_UNITS = kind_of("raw_named_units.csv")
HEADER = "disclosure_id,list_id,item_no,unit_name,source_section"


def parse(tmp_path: Path, name: str, content: bytes) -> tuple[ParsedFile, list[dict[str, str]]]:
    raw = tmp_path / name
    raw.write_bytes(content)
    landed = tmp_path / f"{name}.landed"
    assert NAMED_UNITS is not None
    parsed = read_raw_file(raw, NAMED_UNITS, landed)
    with landed.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return parsed, rows


def test_lines_count_physical_lines_through_title_blank_and_quoted_newlines(tmp_path: Path) -> None:
    content = (
        "泸州市部门决算,,,,\n"  # a title line above the header
        f"{HEADER}\n"
        "d1,L1,1,第一单位,s\n"
        "\n"  # a blank line
        'd1,L1,2,"跨行\n的单位",s\n'  # a quoted newline: one record over two lines
        "d1,L1,3,第三单位,s,extra\n"  # ragged: an unquoted comma
        "d1,L1,4,第四单位,s\n"
    ).encode()
    parsed, rows = parse(tmp_path, "raw_named_units.csv", content)

    assert [(row["item_no"], row["source_line"]) for row in rows] == [("1", "3"), ("2", "5"), ("4", "8")]
    assert rows[1]["unit_name"] == "跨行\n的单位"
    not_loaded = [(line.line, line.line_kind) for line in parsed.not_loaded]
    assert not_loaded == [(1, "title"), (4, "blank"), (7, "rejected")]
    ragged = parsed.not_loaded[-1]
    assert ragged.reason == "the row has 6 fields where the header has 5 (an unquoted comma or quote?)"
    assert ragged.raw_text == "d1,L1,3,第三单位,s,extra"
    assert ragged.disclosure_id == "d1"
    assert parsed.physical_lines == parsed.parsed_lines == 8
    assert (parsed.landed_records, parsed.rejected_records) == (3, 1)


def test_lines_copied_as_they_are_and_lines_the_csv_module_reads_interleave_in_order(tmp_path: Path) -> None:
    # Most records are copied as their line; each of these looks like such a line but is not one, and
    # must go through the csv module between copied lines, in file order and at its own line number.
    content = (
        f"{HEADER}\r\n"
        "d1,L1,1,甲,s\r\n"  # copied
        ",L1,2,乙,s\r\n"  # a blank first cell: read as a record, not taken for a blank line
        ",,,,\r\n"  # commas only: a blank line
        "\u3000,\u3000,\u3000,\u3000,\u3000\r\n"  # ideographic spaces only: a blank line too
        'd1,L1,3,"丙,\r\n丁",s\r\n'  # a quoted line end: its first line has the header's four commas
        "d1,L1,4,戊,s,\r\n"  # a comma too many: ragged
        "d1,L1,5,己\x00,s\r\n"  # a NUL
        "d1,L1,6,庚,s"  # copied, the last line without its end
    ).encode()
    parsed, rows = parse(tmp_path, "raw_named_units.csv", content)

    assert [(row["item_no"], row["unit_name"], row["source_line"]) for row in rows] == [
        ("1", "甲", "2"),
        ("2", "乙", "3"),
        ("3", "丙,\r\n丁", "6"),
        ("5", "己\x00", "9"),
        ("6", "庚", "10"),
    ]
    assert rows[1]["disclosure_id"] == ""
    not_loaded = [(line.line, line.line_kind) for line in parsed.not_loaded]
    assert not_loaded == [(4, "blank"), (5, "blank"), (8, "rejected")]
    assert parsed.physical_lines == parsed.parsed_lines == 10
    assert (parsed.landed_records, parsed.rejected_records) == (5, 1)


def test_a_header_missing_a_column_rejects_every_record_and_names_the_column(tmp_path: Path) -> None:
    content = b"disclosure_id,list_id,item_no,source_section\nd1,L1,1,s\nd1,L1,2,s\n"
    parsed, rows = parse(tmp_path, "raw_named_units.csv", content)

    assert rows == []
    assert [line.line for line in parsed.not_loaded] == [2, 3]
    assert all("lacks column(s) unit_name" in line.reason for line in parsed.not_loaded)
    assert "raw_named_units.csv" in parsed.not_loaded[0].reason


def test_gbk_is_converted_and_utf8_with_bom_read(tmp_path: Path) -> None:
    text = f"{HEADER}\nd1,L1,1,人力资源和社会保障局,s\n"
    gbk, gbk_rows = parse(tmp_path, "raw_named_units_gbk.csv", text.encode("gbk"))
    bom, bom_rows = parse(tmp_path, "raw_named_units_bom.csv", text.encode("utf-8-sig"))

    assert gbk.encoding == "gb18030"
    assert bom.encoding == "utf-8"
    assert gbk_rows[0]["unit_name"] == bom_rows[0]["unit_name"] == "人力资源和社会保障局"


def test_undecodable_bytes_reject_the_records_by_name(tmp_path: Path) -> None:
    parsed, rows = parse(tmp_path, "raw_named_units.csv", f"{HEADER}\nd1,L1,1,".encode() + b"\xff\xfe\x80\n")
    assert rows == []
    assert parsed.encoding == "undecodable"
    assert "neither UTF-8 nor GB18030" in parsed.not_loaded[0].reason


def test_a_zero_byte_file_is_counted_not_failed(tmp_path: Path) -> None:
    parsed, rows = parse(tmp_path, "raw_named_units.csv", b"")
    assert (parsed.physical_lines, parsed.landed_records, rows) == (0, 0, [])


def test_a_bad_row_deep_in_a_large_file_is_reported_at_its_line(tmp_path: Path) -> None:
    raw_dir = tmp_path / "raw 'quoted' folder"
    raw_dir.mkdir()
    shutil.copy(SAMPLE_DIR / "raw_disclosures.csv", raw_dir)
    bad_line = 250_000
    with (raw_dir / "raw_named_units.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER + "\n")
        for line in range(2, 400_001):
            handle.write(f"d1,L1,{line},单位,s,ragged\n" if line == bad_line else f"d1,L1,{line},单位,s\n")
    database = tmp_path / "landed.duckdb"

    result = land([raw_dir], database)

    with duckdb.connect(str(database), read_only=True) as connection:
        rejected = connection.execute(
            "select source_line, line_kind from landing.lines_not_loaded "
            "where raw_file_name = 'raw_named_units'"
        ).fetchall()
        mismatched = connection.execute(
            "select count(*) from landing.raw_named_units where cast(item_no as bigint) != source_line"
        ).fetchone()
        counts = connection.execute(
            "select physical_lines, parsed_lines, landed_records, rejected_records "
            "from landing.landed_files where raw_file_name = 'raw_named_units'"
        ).fetchone()
    assert rejected == [(bad_line, "rejected")]
    assert mismatched == (0,)
    assert counts == (400_000, 400_000, 399_998, 1)
    assert result.rejected_records == 1


def test_a_folder_without_disclosures_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(LandingError, match="holds no raw_disclosures"):
        land([tmp_path], tmp_path / "landed.duckdb")


def test_columns_in_another_order_and_a_missing_optional_column_land_by_name(tmp_path: Path) -> None:
    kind = kind_of("raw_disclosures.csv")
    assert kind is not None and "source_sha256" in kind.optional_columns
    raw = tmp_path / "raw_disclosures.csv"
    raw.write_text(
        "note,disclosure_id,department_name,region,fiscal_year,amount_unit,published_on,source_document\n"
        '"a note, with a comma",d1,某局,某市,2024,万元,2025-09-01,d1.pdf\n',
        encoding="utf-8",
    )
    landed = tmp_path / "landed.csv"
    parsed = read_raw_file(raw, kind, landed)
    with landed.open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert parsed.landed_records == 1
    assert (row["disclosure_id"], row["note"], row["source_sha256"], row["source_line"]) == (
        "d1",
        "a note, with a comma",
        "",
        "2",
    )
