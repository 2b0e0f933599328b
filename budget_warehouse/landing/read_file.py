"""Decode and parse one raw CSV file into records, each with the physical line it starts on.

Nothing is dropped: a line that is not a record (blank, a title above the header) or a record that breaks
the file's structure (a ragged row, a file whose header lacks a contract column) is kept with its line,
its reason and its raw text. Records that pass are written to `landed_csv` with their provenance, for the
engine to load; the contract's values (codes, amounts, dates) are validated later, in staging.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
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
LINE_ENDS = "\r\n"
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class NotLoadedLine:
    line: int
    line_kind: str  # blank, title, rejected
    reason: str
    raw_text: str
    disclosure_id: str | None = None
    span: int = 1


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


@dataclass(frozen=True)
class Fingerprint:
    """What the bytes of a file say, independent of any CSV parser."""

    sha256: str
    size_bytes: int
    physical_lines: int
    # every carriage return, and those that end a line as CR LF: any other one ends a line for Python alone
    carriage_returns: int = 0
    crlf_line_ends: int = 0
    starts_with_bom: bool = False
    ends_with_newline: bool = True

    @property
    def has_lone_carriage_return(self) -> bool:
        """A CR not followed by LF: it ends a line for Python's csv module, not for DuckDB."""
        return self.carriage_returns != self.crlf_line_ends

    @property
    def line_end_bytes(self) -> int:
        """The bytes of every line's end: LF, or CR LF."""
        newlines = self.physical_lines - (0 if self.ends_with_newline else 1)
        return newlines + self.crlf_line_ends


def fingerprint(path: Path) -> Fingerprint:
    """SHA-256, size, physical line count and line ends, read from the bytes."""
    digest = hashlib.sha256()
    size = newlines = carriage_returns = crlf = 0
    last = first = b""
    with path.open("rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            if not size:
                first = chunk[:3]
            digest.update(chunk)
            size += len(chunk)
            newlines += chunk.count(b"\n")
            if b"\r" in chunk:  # most files have none: two more passes only where they do
                carriage_returns += chunk.count(b"\r")
                crlf += chunk.count(b"\r\n")
            crlf += 1 if last == b"\r" and chunk[:1] == b"\n" else 0
            last = chunk[-1:]
    ends_with_newline = not size or last == b"\n"
    return Fingerprint(
        sha256=digest.hexdigest(),
        size_bytes=size,
        physical_lines=newlines + (0 if ends_with_newline else 1),
        carriage_returns=carriage_returns,
        crlf_line_ends=crlf,
        starts_with_bom=first == UTF8_BOM,
        ends_with_newline=ends_with_newline,
    )


def is_blank_row(row: list[str]) -> bool:
    """A row of empty or blank cells is a blank line, whatever its commas."""
    return not (row and row[0].strip()) and not "".join(row).strip()


def wrong_width(fields: int, header_fields: int) -> str:
    return f"the row has {fields} fields where the header has {header_fields} (an unquoted comma or quote?)"


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


@dataclass
class _LinesTaken:
    """The lines the csv module took for the record it read last: how many, and the last one."""

    count: int = 0
    last: str = ""


def _parse(handle: TextIO, parsed: ParsedFile, out: TextIO) -> None:
    """One pass over the records; the raw text of what is not loaded is read afterwards (it is rare).

    Once the header is known, sound and in the contract's order, a line with no quote, the header's
    number of commas and a first cell that is not blank is a record of exactly that line: it is
    copied with the provenance appended, without the csv module (most lines of most files, and most of the
    landing's time at scale). Any other line starts a record the csv module reads, across lines if quoted,
    and is re-written by it, so the engine reads exactly what this parser read.
    """
    kind = parsed.kind
    writer = csv.writer(out, lineterminator="\n")
    header: list[str] | None = None
    positions: list[int | None] = []
    in_contract_order = False
    disclosure_position = 0
    # the commas of a line that may be copied as it is; -1 until the header allows it
    copied_line_commas = -1
    line_number = 0
    rows_seen = 0
    provenance = [str(parsed.path), "", parsed.sha256]
    # the file name as one CSV cell, quoted as the writer would (it may hold a comma or a quote)
    suffix = _csv_cell(str(parsed.path))
    file_cell, sha256_cell = f",{suffix},", f",{parsed.sha256}\n"
    taken = _LinesTaken()

    def record_lines(first: str) -> Iterator[str]:
        taken.count, taken.last = 1, first
        yield first
        for line in handle:
            taken.count += 1
            taken.last = line
            yield line

    for line in handle:
        start = line_number + 1
        if (
            copied_line_commas >= 0
            and line.count(",") == copied_line_commas
            and '"' not in line
            and line.split(",", 1)[0].strip()
        ):
            line_number = start
            parsed.record_lines += 1
            out.write(f"{line.rstrip(LINE_ENDS)}{file_cell}{start}{sha256_cell}")
            parsed.landed_records += 1
            continue
        row = next(csv.reader(record_lines(line)))
        span, last_line = taken.count, taken.last
        line_number += span
        if is_blank_row(row):
            parsed.not_loaded.append(NotLoadedLine(start, "blank", "blank line", "", span=span))
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
                in_contract_order = header == list(kind.columns)
                disclosure_position = header.index("disclosure_id")
                if in_contract_order and not parsed.header_problem:
                    copied_line_commas = len(header) - 1
                continue
            is_title = rows_seen <= HEADER_SEARCH_ROWS
            reason = (
                "a title line above the header, not a record"
                if is_title
                else f"no header naming the contract's columns in the first {HEADER_SEARCH_ROWS} rows"
            )
            if is_title:
                parsed.title_lines += span
            else:
                parsed.record_lines += span
            parsed.not_loaded.append(
                NotLoadedLine(start, "title" if is_title else "rejected", reason, "", span=span)
            )
            continue
        parsed.record_lines += span
        if not parsed.header_problem and len(row) == len(header):
            provenance[1] = str(start)
            if in_contract_order and span == 1 and '"' not in last_line:
                out.write(f"{last_line.rstrip(LINE_ENDS)}{file_cell}{start}{sha256_cell}")
            elif in_contract_order:
                writer.writerow(row + provenance)
            else:
                writer.writerow(
                    [row[position] if position is not None else "" for position in positions] + provenance
                )
            parsed.landed_records += 1
            continue
        if parsed.header_problem:
            reason = f"{parsed.path.name} {parsed.header_problem}"
        else:
            reason = wrong_width(len(row), len(header))
        disclosure_id = row[disclosure_position].strip() if len(row) > disclosure_position else None
        parsed.not_loaded.append(NotLoadedLine(start, "rejected", reason, "", disclosure_id or None, span))


def _csv_cell(value: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([value])
    return buffer.getvalue().rstrip("\r\n")


def _with_raw_text(path: Path, encoding: str, errors: str, lines: list[NotLoadedLine]) -> list[NotLoadedLine]:
    """The lines not loaded with their text as it stands in the file (a record may span several lines)."""
    if not lines:
        return lines
    wanted = {line_number for line in lines for line_number in range(line.line, line.line + line.span)}
    texts: dict[int, str] = {}
    with path.open(encoding=encoding, errors=errors, newline="") as handle:
        for line_number, text in enumerate(handle, start=1):
            if line_number in wanted:
                texts[line_number] = text
    return [
        replace(
            line,
            raw_text="".join(texts.get(n, "") for n in range(line.line, line.line + line.span)).rstrip(
                "\r\n"
            )[:RAW_TEXT_LIMIT],
        )
        for line in lines
    ]


def read_raw_file(
    path: Path, kind: RawKind, landed_csv: Path, known: Fingerprint | None = None
) -> ParsedFile:
    """Parse `path` as a raw file of `kind`, writing the records that pass to `landed_csv` (with a header);
    `known`: its fingerprint, when already read."""
    bytes_read = known or fingerprint(path)
    sha256, size, lines = bytes_read.sha256, bytes_read.size_bytes, bytes_read.physical_lines
    parsed = ParsedFile(path=path, kind=kind, sha256=sha256, size_bytes=size, physical_lines=lines)
    if size == 0:
        with landed_csv.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out, lineterminator="\n").writerow([*kind.columns, *PROVENANCE_COLUMNS])
        return parsed
    for encoding in ENCODINGS:
        attempt = ParsedFile(path=path, kind=kind, sha256=sha256, size_bytes=size, physical_lines=lines)
        try:
            with (
                path.open(encoding=encoding, newline="") as handle,
                landed_csv.open("w", encoding="utf-8", newline="") as out,
            ):
                csv.writer(out, lineterminator="\n").writerow([*kind.columns, *PROVENANCE_COLUMNS])
                _parse(handle, attempt, out)
        except UnicodeDecodeError:
            continue
        attempt.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        attempt.not_loaded = _with_raw_text(path, encoding, "strict", attempt.not_loaded)
        return attempt
    # Neither encoding reads it: every record is kept, decoded with replacement characters, and rejected.
    with (
        path.open(encoding="utf-8", errors="replace", newline="") as handle,
        landed_csv.open("w", encoding="utf-8", newline="") as out,
    ):
        csv.writer(out, lineterminator="\n").writerow([*kind.columns, *PROVENANCE_COLUMNS])
        parsed.header_problem = "is neither UTF-8 nor GB18030 (GBK): re-save it as UTF-8"
        _parse(handle, parsed, out)
    parsed.encoding = "undecodable"
    parsed.not_loaded = _with_raw_text(path, "utf-8", "replace", parsed.not_loaded)
    return parsed
