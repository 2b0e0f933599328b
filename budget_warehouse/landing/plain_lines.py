"""Land a raw file's plain lines in DuckDB, and only its other lines through Python's csv module.

Most lines of most raw files are plain: no quote, the header's number of commas, a first cell that is not
blank. read_file's parser copies such a line as it is, one line per record; here DuckDB reads every line
of the file in order (numbered, as the file's lines are) and splits the plain ones itself, which is where
the landing's time went at scale. Every other line (a quote, another number of commas, a blank line) is
read by the csv module as read_file's parser reads it, and lands or is kept with the same reason.

This is taken only when the result is provably the parser's: the file is UTF-8, its header is line 1 in
the contract's order, every byte of it is in the lines DuckDB read, and every line that is not plain is a
record of that one line (a quoted newline would make line and record numbers part). Otherwise nothing
of the file is landed here (`land` says None for it) and it goes to read_file's parser, whole.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from budget_warehouse.landing.contract import PROVENANCE_COLUMNS, RawKind
from budget_warehouse.landing.read_file import (
    RAW_TEXT_LIMIT,
    UTF8_BOM,
    Fingerprint,
    NotLoadedLine,
    ParsedFile,
    is_blank_row,
    wrong_width,
)

LINES_TABLE = "raw_file_lines"
FILES_TABLE = "raw_files_read"
# A delimiter no raw file should hold, so that DuckDB reads a line as one value; a file that holds it is
# refused by DuckDB (strict mode: two values) and parsed in Python instead.
NO_DELIMITER = "\x1f"
# DuckDB refuses a longer line, and the file is parsed in Python instead.
MAX_LINE_BYTES = 8 << 20


class _SpansLinesError(Exception):
    """A line whose record goes on into the next line: the file goes to read_file's parser."""


@cache
def _not_whitespace_class() -> str:
    """An RE2 class of the characters Python's str.strip() keeps: a cell holding one is not blank."""
    spaces = (char for char in map(chr, range(sys.maxunicode + 1)) if char.isspace())
    return "[^" + "".join(f"\\x{{{ord(char):x}}}" for char in spaces) + "]"


def _plain(columns: int) -> str:
    """The SQL test of a plain line: what read_file's parser copies as it is."""
    return (
        "(line_number > 1 and line is not null and not contains(line, '\"') "
        f"and length(line) - length(replace(line, ',', '')) = {columns - 1} "
        f"and regexp_matches(split_part(line, ',', 1), '{_not_whitespace_class()}'))"
    )


@dataclass(frozen=True)
class RawFile:
    """A file to land: its kind, its fingerprint, and where its records that are not plain lines go."""

    path: Path
    kind: RawKind
    known: Fingerprint
    other_lines_csv: Path


def land(connection: duckdb.DuckDBPyConnection, table: str, files: list[RawFile]) -> list[ParsedFile | None]:
    """Land `files` (of one kind) into `table`, each one's records that are not plain lines written to its
    other_lines_csv for the loader (no file when there are none). For each file, what it landed, or None,
    with nothing of it landed, when it must be parsed in Python."""
    readable = [file for file in files if file.known.size_bytes and not file.known.has_lone_carriage_return]
    if not readable:
        return [None for _ in files]
    landed: dict[str, ParsedFile] = {}
    try:
        connection.execute(
            f"create or replace temporary table {LINES_TABLE} as "
            "select filename, ordinality, line from read_csv(?, columns = {'line': 'varchar'}, "
            "header = false, auto_detect = false, delim = ?, quote = '', escape = '', strict_mode = true, "
            "null_padding = false, max_line_size = ?, filename = true) with ordinality",
            [[str(file.path) for file in readable], NO_DELIMITER, MAX_LINE_BYTES],
        )
        landed = _land_lines(connection, table, readable)
    except (duckdb.InvalidInputException, duckdb.ConversionException):
        # not UTF-8, a line too long, the delimiter in a line: alone, the file goes to the parser
        if len(readable) > 1:
            return [outcome for file in files for outcome in land(connection, table, [file])]
    finally:
        connection.execute(f"drop table if exists {LINES_TABLE}")
        connection.execute(f"drop table if exists {FILES_TABLE}")
    return [landed.get(str(file.path)) for file in files]


def _land_lines(
    connection: duckdb.DuckDBPyConnection, table: str, files: list[RawFile]
) -> dict[str, ParsedFile]:
    # Lines are numbered across the files in the order read; a file's line is its number less that of
    # its first line, once its lines are shown to be one run, all of them, every byte (see the module).
    read = {
        str(name): (lines, first, last, text_bytes, header)
        for name, lines, first, last, text_bytes, header in connection.execute(
            f"select filename, count(*), min(ordinality), max(ordinality), coalesce(sum(strlen(line)), 0), "
            # the first line even when it is blank (arg_min would skip it for the next)
            f"arg_min_null(line, ordinality) from {LINES_TABLE} group by filename"
        ).fetchall()
    }
    sound: dict[str, tuple[RawFile, int]] = {}
    for file in files:
        lines, first, last, text_bytes, header_text = read.get(str(file.path), (0, 0, -1, 0, None))
        bom = len(UTF8_BOM) if file.known.starts_with_bom else 0
        header = [cell.strip().lower() for cell in (header_text or "").split(",")]
        if (
            lines == file.known.physical_lines == last - first + 1
            and text_bytes + file.known.line_end_bytes + bom == file.known.size_bytes
            and '"' not in (header_text or "")
            and header == list(file.kind.columns)
        ):
            sound[str(file.path)] = (file, first)
    if not sound:
        return {}
    numbered = (
        "(select lines.filename, lines.ordinality - files.first_ordinality + 1 as line_number, lines.line, "
        f"files.sha256 from {LINES_TABLE} as lines inner join {FILES_TABLE} as files "
        "on lines.filename = files.filename)"
    )
    plain = _plain(len(files[0].kind.columns))
    connection.execute(
        f"create or replace temporary table {FILES_TABLE} "
        "(filename varchar, first_ordinality bigint, sha256 varchar)"
    )
    connection.executemany(
        f"insert into {FILES_TABLE} values (?, ?, ?)",
        [(name, first, file.known.sha256) for name, (file, first) in sound.items()],
    )
    others: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for name, line_number, line in connection.execute(
        f"select filename, line_number, line from {numbered} where line_number > 1 and not {plain} "
        "order by filename, line_number"
    ).fetchall():
        others[str(name)].append((line_number, line))
    landed: dict[str, ParsedFile] = {}
    for name, (file, _) in sound.items():
        parsed = ParsedFile(
            path=file.path,
            kind=file.kind,
            sha256=file.known.sha256,
            size_bytes=file.known.size_bytes,
            physical_lines=file.known.physical_lines,
            encoding="utf-8",
            header_line=1,
            header_lines=1,
        )
        try:
            _write_other_lines(parsed, others[name], file.other_lines_csv)
        except _SpansLinesError:
            connection.execute(f"delete from {FILES_TABLE} where filename = ?", [name])
            file.other_lines_csv.unlink(missing_ok=True)
            continue
        plain_lines = file.known.physical_lines - 1 - len(others[name])
        parsed.record_lines += plain_lines
        parsed.landed_records += plain_lines
        landed[name] = parsed
    columns = files[0].kind.columns
    cells = ", ".join(f"nullif(cells[{position}], '')" for position in range(1, len(columns) + 1))
    names = ", ".join(f'"{column}"' for column in (*columns, *PROVENANCE_COLUMNS))
    connection.execute(
        f"insert into {table} ({names}) select {cells}, filename, line_number, sha256 from "
        f"(select filename, line_number, sha256, string_split(line, ',') as cells from {numbered} "
        f"where {plain})"
    )
    return landed


def _write_other_lines(parsed: ParsedFile, others: list[tuple[int, str | None]], out_csv: Path) -> None:
    """Each line that is not plain, read by the csv module: a blank line, a record landed (into out_csv,
    with its provenance) or a record of the wrong width, kept with its reason, as read_file's parser does."""
    kind = parsed.kind
    width = len(kind.columns)
    disclosure_position = kind.columns.index("disclosure_id")
    written = 0
    with out_csv.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*kind.columns, *PROVENANCE_COLUMNS])
        for line_number, text in others:
            row = _one_line_record(text or "")
            raw_text = (text or "")[:RAW_TEXT_LIMIT]
            if is_blank_row(row):
                parsed.not_loaded.append(NotLoadedLine(line_number, "blank", "blank line", raw_text))
                parsed.blank_lines += 1
                continue
            parsed.record_lines += 1
            if len(row) == width:
                writer.writerow([*row, str(parsed.path), str(line_number), parsed.sha256])
                parsed.landed_records += 1
                written += 1
                continue
            disclosure_id = row[disclosure_position].strip() if len(row) > disclosure_position else ""
            parsed.not_loaded.append(
                NotLoadedLine(
                    line_number, "rejected", wrong_width(len(row), width), raw_text, disclosure_id or None
                )
            )
    if not written:
        out_csv.unlink()


def _one_line_record(text: str) -> list[str]:
    """The record the csv module reads from this line; _SpansLinesError when it goes on into the next."""

    def the_line() -> Iterator[str]:
        yield text + "\n"
        raise _SpansLinesError

    try:
        return next(csv.reader(the_line()), [])
    except csv.Error as error:
        raise _SpansLinesError from error
