"""Plain lines landed by DuckDB land exactly as read_file's parser lands them, or the file goes to the parser.

Each file below is landed both ways into real DuckDB tables and compared row for row: the landed records
with their provenance, the lines not loaded with their reasons and text, and every count of landed_files.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import duckdb
import pytest

from budget_warehouse.landing import plain_lines
from budget_warehouse.landing.contract import PROVENANCE_COLUMNS, RawKind, kind_of
from budget_warehouse.landing.land import LANDING_SCHEMA, create_table, land, load_csv
from budget_warehouse.landing.read_file import ParsedFile, fingerprint, read_raw_file

NAMED_UNITS = kind_of("raw_named_units.csv")
HEADER = "disclosure_id,list_id,item_no,unit_name,source_section"

# Files whose every line is a record of that one line, or not a record at all: DuckDB lands them.
LANDED_BY_DUCKDB = {
    "plain": f"{HEADER}\nd1,L1,1,甲,s\nd1,L1,2,乙,s\n",
    "crlf and a header in capitals with spaces": (
        " Disclosure_ID ,list_id,item_no,unit_name,Source_Section\r\nd1,L1,1,甲,s\r\nd1,L1,2,乙,s\r\n"
    ),
    "byte order mark, no newline at the end": f"\ufeff{HEADER}\nd1,L1,1,甲,s\nd1,L1,2,乙,s",
    "quoted commas and quotes between plain lines": (
        f'{HEADER}\nd1,L1,1,甲,s\nd1,L1,2,"乙,丙",s\nd1,L1,3,"他说""好""",s\nd1,L1,4,丁,s\n'
    ),
    "blank, spaces-only, commas-only and ideographic-space lines": (
        f"{HEADER}\nd1,L1,1,甲,s\n\n   \n,,,,\n\u3000,\u3000,,,\nd1,L1,2,乙,s\n\n"
    ),
    "a first cell blank beside cells that are not": (
        f"{HEADER}\n,L1,1,甲,s\n\u3000,L1,2,乙,s\n \u00a0,L1,3,丙,s\nd1,L1,4,丁,s\n"
    ),
    "ragged rows, a quote inside a cell, spaces kept": (
        f'{HEADER}\nd1,L1,1,甲,s,extra\nd1,L1,2\nd1,L1,3,a"b,s\nd1,L1,4, 两边有空格 ,s \nd1,,,,\n'
    ),
}

# Files DuckDB must leave to the parser: it would read their lines otherwise than Python does.
LEFT_TO_THE_PARSER = {
    "a quoted newline": f'{HEADER}\nd1,L1,1,"跨行\n的单位",s\nd1,L1,2,乙,s\n',
    "a quoted newline whose next line looks plain": f'{HEADER}\nd1,L1,1,"跨行\nd1,L1,2,乙,s\n",s\n',
    "a lone carriage return": f"{HEADER}\nd1,L1,1,甲\r,s\nd1,L1,2,乙,s\n",
    "a title line above the header": f"名单,,,,\n{HEADER}\nd1,L1,1,甲,s\n",
    "a blank line above the header": f"\n{HEADER}\nd1,L1,1,甲,s\n",
    "columns in another order": "list_id,disclosure_id,item_no,unit_name,source_section\nL1,d1,1,甲,s\n",
    "a quoted header": '"disclosure_id","list_id","item_no","unit_name","source_section"\nd1,L1,1,甲,s\n',
    "the unit separator in a line": f"{HEADER}\nd1,L1,1,甲\x1f乙,s\n",
}


def _kind() -> RawKind:
    assert NAMED_UNITS is not None
    return NAMED_UNITS


def _rows(connection: duckdb.DuckDBPyConnection, table: str) -> list[tuple[object, ...]]:
    return sorted(
        connection.execute(f"select * from {LANDING_SCHEMA}.{table}").fetchall(),
        key=lambda row: (row[-2], repr(row)),
    )


def _landed_both_ways(
    tmp_path: Path, content: bytes
) -> tuple[ParsedFile | None, ParsedFile, list[tuple[object, ...]], list[tuple[object, ...]]]:
    kind = _kind()
    raw = tmp_path / "raw_named_units.csv"
    raw.write_bytes(content)
    columns = (*kind.columns, *PROVENANCE_COLUMNS)
    with duckdb.connect(str(tmp_path / "both_ways.duckdb")) as connection:
        connection.execute(f"create schema {LANDING_SCHEMA}")
        create_table(connection, "by_duckdb", columns)
        create_table(connection, "by_parser", columns)
        other_lines = tmp_path / "other_lines.csv"
        (by_duckdb,) = plain_lines.land(
            connection,
            f"{LANDING_SCHEMA}.by_duckdb",
            [plain_lines.RawFile(raw, kind, fingerprint(raw), other_lines)],
        )
        if other_lines.exists():
            load_csv(connection, "by_duckdb", columns, [other_lines])
        landed_csv = tmp_path / "landed.csv"
        by_parser = read_raw_file(raw, kind, landed_csv)
        load_csv(connection, "by_parser", columns, [landed_csv])
        return by_duckdb, by_parser, _rows(connection, "by_duckdb"), _rows(connection, "by_parser")


@pytest.mark.parametrize("content", LANDED_BY_DUCKDB.values(), ids=LANDED_BY_DUCKDB.keys())
def test_duckdb_lands_what_the_parser_lands(tmp_path: Path, content: str) -> None:
    by_duckdb, by_parser, duckdb_rows, parser_rows = _landed_both_ways(tmp_path, content.encode())

    assert by_duckdb is not None, "DuckDB left a file of plain lines to the parser"
    assert asdict(by_duckdb) == asdict(by_parser)
    assert duckdb_rows == parser_rows
    assert by_duckdb.physical_lines == by_duckdb.parsed_lines


@pytest.mark.parametrize("content", LEFT_TO_THE_PARSER.values(), ids=LEFT_TO_THE_PARSER.keys())
def test_duckdb_leaves_to_the_parser_what_it_would_read_otherwise(tmp_path: Path, content: str) -> None:
    by_duckdb, _, duckdb_rows, _ = _landed_both_ways(tmp_path, content.encode())

    assert by_duckdb is None
    assert duckdb_rows == []


def test_a_gbk_file_is_left_to_the_parser(tmp_path: Path) -> None:
    by_duckdb, by_parser, duckdb_rows, parser_rows = _landed_both_ways(
        tmp_path, f"{HEADER}\nd1,L1,1,第一单位,s\n".encode("gb18030")
    )

    assert by_duckdb is None and duckdb_rows == []
    assert by_parser.encoding == "gb18030" and len(parser_rows) == 1


def test_a_folder_of_both_kinds_of_file_lands_every_line_once(tmp_path: Path) -> None:
    """land(): one file DuckDB lands (with lines the csv module reads) and two it leaves to the parser, all
    three of one kind, so read as one batch: the GBK file fails the batch, read again file by file."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "raw_disclosures.csv").write_text(
        "disclosure_id,department_name,region,fiscal_year,amount_unit,published_on,source_document,note\n"
        "d1,某局,某市,2020,万元,2021-09-01,d1.pdf,\n",
        encoding="utf-8",
    )
    plain = LANDED_BY_DUCKDB["ragged rows, a quote inside a cell, spaces kept"]
    (raw / "raw_named_units__plain.csv").write_text(plain, encoding="utf-8")
    quoted_newline = LEFT_TO_THE_PARSER["a quoted newline"]
    (raw / "raw_named_units__quoted_newline.csv").write_text(quoted_newline, encoding="utf-8")
    (raw / "raw_named_units__x_gbk.csv").write_bytes(f"{HEADER}\nd1,L2,7,第七单位,s\n".encode("gb18030"))

    database = tmp_path / "warehouse.duckdb"
    result = land([raw], database)

    with duckdb.connect(str(database), read_only=True) as connection:
        landed = connection.execute(
            "select regexp_extract(source_file, '__(\\w+)\\.csv$', 1), source_line, item_no "
            "from landing.raw_named_units order by 1, 2"
        ).fetchall()
        files = connection.execute(
            "select raw_file_name, physical_lines, parsed_lines, landed_records, rejected_records "
            "from landing.landed_files order by source_file"
        ).fetchall()
    assert landed == [
        ("plain", 4, "3"), ("plain", 5, "4"), ("plain", 6, None),
        ("quoted_newline", 2, "1"), ("quoted_newline", 4, "2"),
        ("x_gbk", 2, "7"),
    ]  # fmt: skip
    assert files == [
        ("raw_disclosures", 2, 2, 1, 0),
        ("raw_named_units", 6, 6, 3, 2),
        ("raw_named_units", 4, 4, 2, 0),
        ("raw_named_units", 2, 2, 1, 0),
    ]
    assert result.landed_records == 7 and result.rejected_records == 2
