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
import multiprocessing
import os
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from budget_warehouse.landing import plain_lines
from budget_warehouse.landing.contract import PROVENANCE_COLUMNS, SAMPLE_DIR, RawKind, kind_of, raw_kinds
from budget_warehouse.landing.plain_lines import RawFile
from budget_warehouse.landing.read_file import ParsedFile, fingerprint, read_raw_file
from budget_warehouse.landing.reuse import (
    LandedBefore,
    ReuseFailedError,
    create_changed_table,
    drop_other_schemas,
    landed_before,
    parser_version,
    record_changed_disclosures,
    record_kept_models,
    start_from_published,
    unchanged_files,
)

LANDING_SCHEMA = "landing"
# The build file's format: BI tools often embed a DuckDB older than 2.0 (profiles.yml sets the same).
STORAGE_COMPATIBILITY = "v1.1.0"
FILE_COLUMNS = (
    "source_file", "raw_file_name", "source_sha256", "size_bytes", "encoding", "header_line",
    "file_problem", "physical_lines", "parsed_lines", "header_lines", "blank_lines", "title_lines",
    "record_lines", "landed_records", "rejected_records", "parser_version",
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
# What DuckDB may hold while landing (the build's own limit, profiles.yml), beyond which it spills.
MEMORY_LIMIT_VARIABLE = "BUDGET_WAREHOUSE_MEMORY_LIMIT"
MEMORY_LIMIT = "4GB"
# Batches of files DuckDB lands at once, and a batch's size: each holds its lines meanwhile.
LANDING_THREADS = 2
PLAIN_LINES_BATCH_BYTES = 256 << 20
R = TypeVar("R")


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
    # files unchanged since the published warehouse landed them: kept from it, not parsed
    reused: list[LandedBefore] = field(default_factory=list)
    # why no file could be taken from the published warehouse, when reuse was asked for
    not_reused_because: str | None = None

    @property
    def landed_records(self) -> int:
        return sum(parsed.landed_records for parsed in self.files) + sum(
            file.landed_records for file in self.reused
        )

    @property
    def rejected_records(self) -> int:
        return sum(parsed.rejected_records for parsed in self.files) + sum(
            file.rejected_records for file in self.reused
        )

    def summary(self) -> str:
        skipped = sum(parsed.blank_lines + parsed.title_lines for parsed in self.files) + sum(
            file.skipped_lines for file in self.reused
        )
        unknown = f", {len(self.unloadable)} file(s) not loadable" if self.unloadable else ""
        files = len(self.files) + len(self.reused)
        if self.reused:
            parsed = f" ({len(self.files)} parsed, {len(self.reused)} unchanged since last published)"
        elif self.not_reused_because:
            parsed = f" (all parsed: {self.not_reused_because})"
        else:
            parsed = ""
        return (
            f"landing: {files} files{parsed}, {self.landed_records} records landed, "
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


def create_table(connection: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...]) -> None:
    """landing.<table> with text columns (counts and lines as numbers)."""
    definition = ", ".join(
        f'"{column}" {"bigint" if column in NUMBER_COLUMNS else "varchar"}' for column in columns
    )
    connection.execute(f'create table {LANDING_SCHEMA}."{table}" ({definition})')


def load_csv(
    connection: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], files: list[Path]
) -> None:
    """Load the files (CSV with a header naming `columns`) into landing.<table>."""
    if not files:
        return
    types = {column: "bigint" if column in NUMBER_COLUMNS else "varchar" for column in columns}
    connection.execute(
        f'insert into {LANDING_SCHEMA}."{table}" select * from read_csv($files, header = true, '
        "auto_detect = false, columns = $types, delim = ',', quote = '\"', escape = '\"', "
        "strict_mode = true, null_padding = false)",
        {"files": [str(path) for path in files], "types": types},
    )


def _in_parallel(
    function: Callable[..., R], jobs: list[tuple[Any, ...]], sizes: list[int], start: str = "fork"
) -> list[R]:
    """function(*job) for each job, one process per core (started by `start`) when there is enough to read
    to pay for the processes; results in job order."""
    workers = min(os.cpu_count() or 1, len(jobs))
    if workers < 2 or sum(sizes) < PARALLEL_FROM_BYTES:
        return [function(*job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(start)) as pool:
        # largest first, so that the longest job starts at once
        order = sorted(range(len(jobs)), key=lambda index: -sizes[index])
        futures = {index: pool.submit(function, *jobs[index]) for index in order}
        return [futures[index].result() for index in range(len(jobs))]


def land(
    folders: list[Path], database: Path, reuse_from: Path | None = None, keep_built: bool = False
) -> LandingResult:
    """Parse every raw file of `folders` and load them into `database` (created if absent); anything dbt
    built in it before is dropped, being built from other landed rows.

    With `reuse_from` (the published warehouse), a file it landed and that has not changed since is kept
    from it instead of parsed (budget_warehouse.landing.reuse): `database` is then replaced by a copy of the
    published file holding only those files' landed rows, and, with `keep_built`, what dbt built there, for
    an incremental build of the disclosures listed in `landing.disclosures_changed`. If they cannot be kept,
    every file is parsed.
    """
    try:
        return _land(folders, database, reuse_from, keep_built)
    except ReuseFailedError as failure:
        return replace(_land(folders, database, None, False), not_reused_because=str(failure))


def _land(folders: list[Path], database: Path, reuse_from: Path | None, keep_built: bool) -> LandingResult:
    matched, unknown = raw_files_in(folders)
    kinds = {kind.name: kind for kind in raw_kinds()}
    before, not_reused_because = landed_before(reuse_from) if reuse_from else ({}, None)
    reused: list[LandedBefore] = []
    to_parse: list[tuple[Path, str]] = []
    for (path, kind_name), previous in zip(matched, unchanged_files(matched, before), strict=True):
        if previous is None:
            to_parse.append((path, kind_name))
        else:
            reused.append(previous)
    from_published = bool(reused and reuse_from)
    database.parent.mkdir(parents=True, exist_ok=True)
    if from_published and reuse_from:
        start_from_published(reuse_from, database, LANDING_SCHEMA, list(kinds), reused, keep_built)
    with tempfile.TemporaryDirectory(prefix="landing_") as scratch:
        # read before DuckDB opens: worker processes are forked, and a fork should not copy its threads
        sizes = [path.stat().st_size for path, _ in to_parse]
        fingerprints = _in_parallel(fingerprint, [(path,) for path, _ in to_parse], sizes)
        files = [
            RawFile(path, kinds[name], known, Path(scratch) / f"{number:06d}_other_lines.csv")
            for number, ((path, name), known) in enumerate(zip(to_parse, fingerprints, strict=True))
        ]
        with duckdb.connect(
            str(database), config={"storage_compatibility_version": STORAGE_COMPATIBILITY}
        ) as connection:
            parsed_files = _land_into(connection, Path(scratch), files, kinds, from_published)
            for name in kinds:
                expected = sum(p.landed_records for p in parsed_files if p.kind.name == name)
                expected += sum(file.landed_records for file in reused if file.raw_file_name == name)
                _check_loaded(connection, name, expected)
            _load_file_tables(connection, Path(scratch), parsed_files, unknown)
            if from_published:
                _record_parsed_disclosures(connection, list(kinds), parsed_files)
            kept_from = reuse_from if from_published and keep_built else None
            record_kept_models(connection, LANDING_SCHEMA, kept_from)
            connection.execute("checkpoint")
    return LandingResult(parsed_files, unknown, reused, not_reused_because)


def _load_file_tables(
    connection: duckdb.DuckDBPyConnection,
    scratch: Path,
    parsed_files: list[ParsedFile],
    unknown: list[Unloadable],
) -> None:
    """landing.landed_files (a row per file, parsed or not loadable) and landing.lines_not_loaded."""
    files_csv = scratch / "landed_files.csv"
    _write_rows(
        files_csv,
        FILE_COLUMNS,
        [_file_row(parsed) for parsed in parsed_files] + [_unloadable_row(entry) for entry in unknown],
    )
    not_loaded_csv = scratch / "lines_not_loaded.csv"
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
    load_csv(connection, "landed_files", FILE_COLUMNS, [files_csv])
    load_csv(connection, "lines_not_loaded", NOT_LOADED_COLUMNS, [not_loaded_csv])


def _land_into(
    connection: duckdb.DuckDBPyConnection,
    scratch: Path,
    files: list[RawFile],
    kinds: dict[str, RawKind],
    from_published: bool,
) -> list[ParsedFile]:
    """The landing tables made (unless kept from the published file) and the files landed into them."""
    # a large raw file's lines are held while it lands: they spill rather than fill the machine
    connection.execute("set memory_limit = ?", [os.environ.get(MEMORY_LIMIT_VARIABLE, MEMORY_LIMIT)])
    connection.execute("set temp_directory = ?", [str(scratch / "spill")])
    if not from_published:
        # whatever was built on other landed rows goes with them
        drop_other_schemas(connection, LANDING_SCHEMA)
        connection.execute(f"drop schema if exists {LANDING_SCHEMA} cascade")
        connection.execute(f"create schema {LANDING_SCHEMA}")
        create_changed_table(connection, LANDING_SCHEMA)
        for name, kind in kinds.items():
            create_table(connection, name, (*kind.columns, *PROVENANCE_COLUMNS))
        create_table(connection, "landed_files", FILE_COLUMNS)
        create_table(connection, "lines_not_loaded", NOT_LOADED_COLUMNS)
    return _land_files(connection, scratch, files)


def _batches(files: list[RawFile]) -> list[list[RawFile]]:
    """The files by kind, in runs of up to PLAIN_LINES_BATCH_BYTES (a larger file alone): DuckDB reads a
    run at once, which costs far less than a file at a time when files are many and small."""
    batches: list[list[RawFile]] = []
    by_kind: dict[str, list[RawFile]] = defaultdict(list)
    for file in files:
        by_kind[file.kind.name].append(file)
    for same_kind in by_kind.values():
        batch: list[RawFile] = []
        batch_bytes = 0
        for file in same_kind:
            if batch and batch_bytes + file.known.size_bytes > PLAIN_LINES_BATCH_BYTES:
                batches.append(batch)
                batch, batch_bytes = [], 0
            batch.append(file)
            batch_bytes += file.known.size_bytes
        batches.append(batch)
    # the largest first, so that the longest starts at once
    return sorted(batches, key=lambda batch: -sum(file.known.size_bytes for file in batch))


def _land_files(
    connection: duckdb.DuckDBPyConnection, scratch: Path, raw_files: list[RawFile]
) -> list[ParsedFile]:
    """Land each file: its plain lines by DuckDB where that is provably what the parser would land
    (plain_lines), else the whole file through read_file's parser; returns the files in the given order.

    DuckDB lands several batches at once, one cursor each (it leaves Python's lock while it works)."""

    def by_duckdb(batch: list[RawFile]) -> list[ParsedFile | None]:
        with connection.cursor() as cursor:
            return plain_lines.land(cursor, f'{LANDING_SCHEMA}."{batch[0].kind.name}"', batch)

    landed: dict[Path, ParsedFile] = {}
    csv_files: dict[str, list[Path]] = defaultdict(list)
    with ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, LANDING_THREADS)) as pool:
        batches = _batches(raw_files)
        for batch, outcomes in zip(batches, pool.map(by_duckdb, batches), strict=True):
            for file, parsed in zip(batch, outcomes, strict=True):
                if parsed is not None:
                    landed[file.path] = parsed
                    if file.other_lines_csv.exists():
                        csv_files[file.kind.name].append(file.other_lines_csv)
    to_parse = [(number, file) for number, file in enumerate(raw_files) if file.path not in landed]
    parse_jobs = [
        (file.path, file.kind, scratch / f"{number:06d}.csv", file.known) for number, file in to_parse
    ]
    # DuckDB is open here: the parser's processes are spawned, not forked with its threads
    parsed_files = _in_parallel(
        read_raw_file, parse_jobs, [file.known.size_bytes for _, file in to_parse], "spawn"
    )
    for parsed, (_, kind, landed_csv, _) in zip(parsed_files, parse_jobs, strict=True):
        landed[parsed.path] = parsed
        if parsed.landed_records:
            csv_files[kind.name].append(landed_csv)
    for name, paths in csv_files.items():
        kind = next(file.kind for file in raw_files if file.kind.name == name)
        load_csv(connection, name, (*kind.columns, *PROVENANCE_COLUMNS), paths)
    return [landed[file.path] for file in raw_files]


def _record_parsed_disclosures(
    connection: duckdb.DuckDBPyConnection, kinds: list[str], parsed_files: list[ParsedFile]
) -> None:
    """The disclosure ids named in the files parsed this night join those of the files that changed."""
    if not parsed_files:
        return
    connection.execute("create temporary table parsed_files (source_file varchar, source_sha256 varchar)")
    connection.executemany(
        "insert into parsed_files values (?, ?)",
        [(str(parsed.path), parsed.sha256) for parsed in parsed_files],
    )
    record_changed_disclosures(connection, LANDING_SCHEMA, kinds, "parsed_files", negate=False)
    connection.execute("drop table parsed_files")


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
        "parser_version": parser_version(),
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
