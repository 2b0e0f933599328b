"""Decode and parse one raw CSV file into records, each with the physical line it starts on.

Nothing is dropped: a line that is not a record (blank, a title above the header) or a record that breaks
the file's structure (a ragged row, a file whose header lacks a contract column) is kept with its line,
its reason and its raw text. Records that pass are written to `landed_csv` with their provenance, for the
engine to load; the contract's values (codes, amounts, dates) are validated later, in staging.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from budget_warehouse.landing.contract import PROVENANCE_COLUMNS, RawKind

# A header may sit below a few title lines (表名, 单位); past this many rows there is no header.
HEADER_SEARCH_ROWS = 20
# The raw text kept for a line that was not loaded; a stray quote can swallow the rest of a file.
RAW_TEXT_LIMIT = 2000
# Tried in order: UTF-8 (with or without BOM), then the Chinese national encoding (GBK is a subset).
ENCODINGS = ("utf-8-sig", "gb18030")
READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class NotLoadedLine:
    line: int
    line_kind: str  # blank, title, rejected
    reason: str
    raw_text: str
    disclosure_id: str | None = None


@dataclass
class ParsedFile:
    path: Path
    kind: RawKind
    sha256: str
    size_bytes: int
    physical_lines: int
    encoding: str | None = None
    header_line: int | None = None
    header_problem: str | None = None
    landed_records: int = 0
    # Lines by what they held, each row counted with every line it spans (a quoted newline spans two).
    header_lines: int = 0
    blank_lines: int = 0
    title_lines: int = 0
    record_lines: int = 0
    not_loaded: list[NotLoadedLine] = field(default_factory=list)

    @property
    def rejected_records(self) -> int:
        return sum(line.line_kind == "rejected" for line in self.not_loaded)

    @property
    def parsed_lines(self) -> int:
        """Lines the parser accounted for; equal to physical_lines unless a line went unread."""
        return self.header_lines + self.blank_lines + self.title_lines + self.record_lines


def fingerprint(path: Path) -> tuple[str, int, int]:
    """SHA-256, size and physical line count, read from the bytes: independent of the CSV parser."""
    digest = hashlib.sha256()
    size = newlines = 0
    last = b""
    with path.open("rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    lines = newlines + (1 if size and last != b"\n" else 0)
    return digest.hexdigest(), size, lines


class _LineTap:
    """Feeds lines to csv.reader and keeps those of the current record, so a rejection shows its raw text."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self.lines = 0
        self.current: list[str] = []

    def __iter__(self) -> Iterator[str]:
        for line in self._handle:
            self.lines += 1
            self.current.append(line)
            yield line

    def take(self) -> str:
        text = "".join(self.current).rstrip("\r\n")
        self.current = []
        return text[:RAW_TEXT_LIMIT]


def _header_problem(kind: RawKind, header: list[str]) -> str | None:
    duplicated = sorted({column for column in header if header.count(column) > 1})
    missing = [column for column in kind.required_columns if column not in header]
    extra = [column for column in header if column not in kind.columns]
    problems = []
    if missing:
        problems.append("lacks column(s) " + ", ".join(missing))
    if extra:
        problems.append("has column(s) not in the contract " + ", ".join(extra))
    if duplicated:
        problems.append("repeats column(s) " + ", ".join(duplicated))
    if not problems:
        return None
    return f"the header {'; '.join(problems)} (the contract of {kind.name}: {', '.join(kind.columns)})"


def _is_header(row: list[str]) -> bool:
    return "disclosure_id" in (cell.strip().lower() for cell in row)


def _parse(handle: TextIO, parsed: ParsedFile, writer: Callable[[list[str]], object]) -> None:
    kind = parsed.kind
    tap = _LineTap(handle)
    reader = csv.reader(tap)
    header: list[str] | None = None
    positions: list[int | None] = []
    disclosure_position = 0
    line_before = 0
    rows_seen = 0
    for row in reader:
        start, span = line_before + 1, tap.lines - line_before
        line_before = tap.lines
        raw_text = tap.take()
        if not any(cell.strip() for cell in row):
            parsed.not_loaded.append(NotLoadedLine(start, "blank", "blank line", raw_text))
            parsed.blank_lines += span
            continue
        if header is None:
            rows_seen += 1
            if _is_header(row):
                header = [cell.strip().lower() for cell in row]
                parsed.header_line = start
                parsed.header_lines += span
                parsed.header_problem = parsed.header_problem or _header_problem(kind, header)
                positions = [header.index(column) if column in header else None for column in kind.columns]
                disclosure_position = header.index("disclosure_id")
                continue
            reason = (
                "a title line above the header, not a record"
                if rows_seen <= HEADER_SEARCH_ROWS
                else f"no header naming the contract's columns in the first {HEADER_SEARCH_ROWS} rows"
            )
            line_kind = "title" if rows_seen <= HEADER_SEARCH_ROWS else "rejected"
            if line_kind == "title":
                parsed.title_lines += span
            else:
                parsed.record_lines += span
            parsed.not_loaded.append(NotLoadedLine(start, line_kind, reason, raw_text))
            continue
        parsed.record_lines += span
        disclosure_id = row[disclosure_position].strip() if len(row) > disclosure_position else None
        if parsed.header_problem:
            reason = f"{parsed.path.name} {parsed.header_problem}"
        elif len(row) != len(header):
            reason = (
                f"the row has {len(row)} fields where the header has {len(header)} "
                "(an unquoted comma or quote?)"
            )
        else:
            writer(
                [row[position] if position is not None else "" for position in positions]
                + [str(parsed.path), str(start), parsed.sha256]
            )
            parsed.landed_records += 1
            continue
        parsed.not_loaded.append(NotLoadedLine(start, "rejected", reason, raw_text, disclosure_id or None))


def read_raw_file(path: Path, kind: RawKind, landed_csv: Path) -> ParsedFile:
    """Parse `path` as a raw file of `kind`, writing the records that pass to `landed_csv` (with a header)."""
    sha256, size, lines = fingerprint(path)
    parsed = ParsedFile(path=path, kind=kind, sha256=sha256, size_bytes=size, physical_lines=lines)
    if size == 0:
        with landed_csv.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerow([*kind.columns, *PROVENANCE_COLUMNS])
        return parsed
    for encoding in ENCODINGS:
        attempt = ParsedFile(path=path, kind=kind, sha256=sha256, size_bytes=size, physical_lines=lines)
        try:
            with (
                path.open(encoding=encoding, newline="") as handle,
                landed_csv.open("w", encoding="utf-8", newline="") as out,
            ):
                writer = csv.writer(out)
                writer.writerow([*kind.columns, *PROVENANCE_COLUMNS])
                _parse(handle, attempt, writer.writerow)
        except UnicodeDecodeError:
            continue
        attempt.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        return attempt
    # Neither encoding reads it: every record is kept, decoded with replacement characters, and rejected.
    with (
        path.open(encoding="utf-8", errors="replace", newline="") as handle,
        landed_csv.open("w", encoding="utf-8", newline="") as out,
    ):
        csv.writer(out).writerow([*kind.columns, *PROVENANCE_COLUMNS])
        parsed.header_problem = "is neither UTF-8 nor GB18030 (GBK): re-save it as UTF-8"
        _parse(handle, parsed, lambda _row: None)
    parsed.encoding = "undecodable"
    return parsed
