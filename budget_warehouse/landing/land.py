"""Land raw folders into the build's `landing` schema: a table per kind of raw file, and what was not loaded.

- `landing.<kind>`: every record that passed the structural checks, all columns as text (staging casts and
  validates them), with `source_file`, `source_line` (the physical line the record starts on, header = 1)
  and `source_file_sha256`.
- `landing.landed_files`: one row per file: its kind, SHA-256, encoding, and its lines counted twice, from
  the bytes and by the parser, with what each line held (header, blank, title, record).
- `landing.lines_not_loaded`: one row per blank line, title line or structurally rejected record, with its
  reason and raw text.
The published warehouse holds these tables, so it never points back at the raw folder.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from budget_warehouse.landing.contract import PROVENANCE_COLUMNS, SAMPLE_DIR, RawKind, kind_of, raw_kinds
from budget_warehouse.landing.read_file import ParsedFile, read_raw_file

LANDING_SCHEMA = "landing"
# The build file's format: BI tools often embed a DuckDB older than 2.0 (profiles.yml sets the same).
STORAGE_COMPATIBILITY = "v1.1.0"
FILE_COLUMNS = (
    "source_file", "raw_file_name", "source_sha256", "size_bytes", "encoding", "header_line",
    "file_problem", "physical_lines", "parsed_lines", "header_lines", "blank_lines", "title_lines",
    "record_lines", "landed_records", "rejected_records",
)  # fmt: skip
# Counts and line numbers load as numbers; everything else stays text until staging.
NUMBER_COLUMNS = frozenset(
    ("source_line", "size_bytes", "header_line", "physical_lines", "parsed_lines", "header_lines",
     "blank_lines", "title_lines", "record_lines", "landed_records", "rejected_records")
)  # fmt: skip
NOT_LOADED_COLUMNS = (
    "source_file", "raw_file_name", "source_line", "line_kind", "reason", "raw_text", "disclosure_id",
)  # fmt: skip


EMPTY_FILE = "0 bytes: no header and no rows"
# Below this many bytes of raw files, starting worker processes costs more than it saves.
PARALLEL_FROM_BYTES = 8 << 20


class LandingError(Exception):
    """The raw folders cannot be landed at all (no list of disclosures, a folder that does not exist)."""


# The PDF importer's list of documents it could not read (file, sha256, reason): landed as files not loaded.
IMPORT_FAILURES = "import_failures.csv"
UNKNOWN_KIND = "no kind of the raw contract has this file name"


@dataclass(frozen=True)
class Unloadable:
    """A file of a raw folder that holds nothing loadable: a CSV of no known kind, or a PDF not imported."""

    source_file: str
    reason: str
    sha256: str = ""


@dataclass(frozen=True)
class LandingResult:
    files: list[ParsedFile]
    unloadable: list[Unloadable]

    @property
    def landed_records(self) -> int:
        return sum(parsed.landed_records for parsed in self.files)

    @property
    def rejected_records(self) -> int:
        return sum(parsed.rejected_records for parsed in self.files)

    def summary(self) -> str:
        skipped = sum(parsed.blank_lines + parsed.title_lines for parsed in self.files)
        unknown = f", {len(self.unloadable)} file(s) not loadable" if self.unloadable else ""
        return (
            f"landing: {len(self.files)} files, {self.landed_records} records landed, "
            f"{self.rejected_records} rejected, {skipped} blank or title lines{unknown}"
        )


def _import_failures(path: Path) -> list[Unloadable]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            # the importer names the document as its inbox lists it (a file name, not a path)
            Unloadable(row["file"], row["reason"], row.get("sha256", ""))
            for row in csv.DictReader(handle)
        ]


def raw_files_in(folders: list[Path]) -> tuple[list[tuple[Path, str]], list[Unloadable]]:
    """The CSV files of the given folders with their kind, and the files that hold nothing loadable."""
    matched: list[tuple[Path, str]] = []
    unknown: list[Unloadable] = []
    for folder in folders:
        if not folder.is_dir():
            raise LandingError(f"raw folder {folder} does not exist or is not a folder")
        for path in sorted(folder.iterdir()):
            if not path.is_file() or not path.name.lower().endswith(".csv"):
                continue
            if path.name == IMPORT_FAILURES:
                unknown.extend(_import_failures(path))
                continue
            kind = kind_of(path.name)
            if kind is None:
                unknown.append(Unloadable(str(path), UNKNOWN_KIND))
            else:
                matched.append((path, kind.name))
    if not any(name == "raw_disclosures" for _, name in matched):
        listed = ", ".join(str(folder) for folder in folders)
        raise LandingError(
            f"raw folder {listed} holds no raw_disclosures*.csv: every raw row names a disclosure, "
            "so a raw folder must list its disclosures"
        )
    return matched, unknown


def _write_rows(path: Path, columns: tuple[str, ...], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)


def _load_csv(
    connection: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], files: list[Path]
) -> None:
    """Create landing.<table> with text columns (counts and lines as numbers) and load the files into it."""
    types = {column: "bigint" if column in NUMBER_COLUMNS else "varchar" for column in columns}
    definition = ", ".join(f'"{column}" {column_type}' for column, column_type in types.items())
    connection.execute(f'create table {LANDING_SCHEMA}."{table}" ({definition})')
    if not files:
        return
    connection.execute(
        f'insert into {LANDING_SCHEMA}."{table}" select * from read_csv($files, header = true, '
        "auto_detect = false, columns = $types, delim = ',', quote = '\"', escape = '\"', "
        "strict_mode = true, null_padding = false)",
        {"files": [str(path) for path in files], "types": types},
    )


def _parse_all(jobs: list[tuple[Path, RawKind, Path]]) -> list[ParsedFile]:
    """Parse the files, one process per core when there is enough to parse to pay for the processes."""
    total_bytes = sum(path.stat().st_size for path, _, _ in jobs)
    workers = min(os.cpu_count() or 1, len(jobs))
    if workers < 2 or total_bytes < PARALLEL_FROM_BYTES:
        return [read_raw_file(*job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # largest first, so that the longest parse starts at once; results come back in job order
        order = sorted(range(len(jobs)), key=lambda index: -jobs[index][0].stat().st_size)
        futures = {index: pool.submit(read_raw_file, *jobs[index]) for index in order}
        return [futures[index].result() for index in range(len(jobs))]


def land(folders: list[Path], database: Path) -> LandingResult:
    """Parse every raw file of `folders` and load them into `database` (created if absent)."""
    matched, unknown = raw_files_in(folders)
    kinds = {kind.name: kind for kind in raw_kinds()}
    parsed_files: list[ParsedFile] = []
    with tempfile.TemporaryDirectory(prefix="landing_") as scratch:
        landed_by_kind: dict[str, list[Path]] = {name: [] for name in kinds}
        jobs = [
            (path, kinds[kind_name], Path(scratch) / f"{number:06d}.csv")
            for number, (path, kind_name) in enumerate(matched)
        ]
        for parsed, (_, kind, landed_csv) in zip(_parse_all(jobs), jobs, strict=True):
            parsed_files.append(parsed)
            if parsed.landed_records:
                landed_by_kind[kind.name].append(landed_csv)

        files_csv = Path(scratch) / "landed_files.csv"
        _write_rows(
            files_csv,
            FILE_COLUMNS,
            [_file_row(parsed) for parsed in parsed_files] + [_unloadable_row(entry) for entry in unknown],
        )
        not_loaded_csv = Path(scratch) / "lines_not_loaded.csv"
        _write_rows(
            not_loaded_csv,
            NOT_LOADED_COLUMNS,
            [
                [str(parsed.path), parsed.kind.name, str(line.line), line.line_kind, line.reason,
                 line.raw_text, line.disclosure_id or ""]
                for parsed in parsed_files
                for line in parsed.not_loaded
            ],
        )  # fmt: skip

        database.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(
            str(database), config={"storage_compatibility_version": STORAGE_COMPATIBILITY}
        ) as connection:
            connection.execute(f"drop schema if exists {LANDING_SCHEMA} cascade")
            connection.execute(f"create schema {LANDING_SCHEMA}")
            for name, kind in kinds.items():
                _load_csv(connection, name, (*kind.columns, *PROVENANCE_COLUMNS), landed_by_kind[name])
                _check_loaded(
                    connection, name, sum(p.landed_records for p in parsed_files if p.kind.name == name)
                )
            _load_csv(connection, "landed_files", FILE_COLUMNS, [files_csv])
            _load_csv(connection, "lines_not_loaded", NOT_LOADED_COLUMNS, [not_loaded_csv])
            connection.execute("checkpoint")
    return LandingResult(files=parsed_files, unloadable=unknown)


def _unloadable_row(entry: Unloadable) -> list[str]:
    values = {"source_file": entry.source_file, "source_sha256": entry.sha256, "file_problem": entry.reason}
    return [values.get(column, "") for column in FILE_COLUMNS]


def _file_row(parsed: ParsedFile) -> list[str]:
    values = {
        "source_file": str(parsed.path),
        "raw_file_name": parsed.kind.name,
        "source_sha256": parsed.sha256,
        "size_bytes": str(parsed.size_bytes),
        "encoding": parsed.encoding or "",
        "header_line": str(parsed.header_line or ""),
        "file_problem": parsed.header_problem or ("" if parsed.size_bytes else EMPTY_FILE),
        "physical_lines": str(parsed.physical_lines),
        "parsed_lines": str(parsed.parsed_lines),
        "header_lines": str(parsed.header_lines),
        "blank_lines": str(parsed.blank_lines),
        "title_lines": str(parsed.title_lines),
        "record_lines": str(parsed.record_lines),
        "landed_records": str(parsed.landed_records),
        "rejected_records": str(parsed.rejected_records),
    }
    return [values[column] for column in FILE_COLUMNS]


def _check_loaded(connection: duckdb.DuckDBPyConnection, table: str, expected: int) -> None:
    """The engine loaded exactly the records the parser wrote: a skipped or split row is an error."""
    row = connection.execute(f'select count(*) from {LANDING_SCHEMA}."{table}"').fetchone()
    loaded = row[0] if row else 0
    if loaded != expected:
        raise LandingError(
            f"landing.{table}: the engine loaded {loaded} records where {expected} were written"
        )


def main(argv: list[str] | None = None) -> int:
    """`python -m budget_warehouse.landing.land DATABASE [RAW_FOLDER ...]` (default folder: the sample)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m budget_warehouse.landing.land DATABASE [RAW_FOLDER ...]", file=sys.stderr)
        return 2
    folders = [Path(folder) for folder in args[1:]] or [SAMPLE_DIR]
    try:
        result = land(folders, Path(args[0]))
    except LandingError as error:
        print(f"landing: {error}", file=sys.stderr)
        return 1
    print(result.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
