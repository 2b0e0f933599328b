"""Landed rows of unchanged raw files, taken from the published warehouse instead of parsed again.

A raw file whose path, kind, size and SHA-256 are those of a file the published warehouse landed, by the
same landing code and raw contract (`parser_version`), would land exactly the rows it landed then: its
records, its lines not loaded and its row of `landed_files` are kept from there (the build starts from a copy
of the published file). A night on which a few disclosures arrived or changed (the PDF inbox writes a set of
files per document) parses only their files. `landing.disclosures_changed` lists the disclosure ids named in
the rows that changed (those of the files parsed, and those of the files that changed or vanished), for the
per-disclosure models the build then computes again for those disclosures only (`keep_built`).

Anything that stops the comparison (no published warehouse, one landed by another version, a file that
cannot be opened) means every file is parsed, as on a first night: reuse only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from budget_warehouse.landing import contract, plain_lines, read_file

# The code and contract that decide what a file lands as: a change to any of them means parsing again.
PARSER_SOURCES = (
    Path(read_file.__file__),
    Path(plain_lines.__file__),
    Path(contract.__file__),
    contract.SAMPLE_SEEDS_YAML,
)


@cache
def parser_version() -> str:
    """The SHA-256 of the landing code and the raw contract (the land module adds its own source)."""
    digest = hashlib.sha256()
    for source in (*PARSER_SOURCES, Path(__file__).with_name("land.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


class ReuseFailedError(Exception):
    """The published warehouse's landed rows cannot be kept as its landed_files promise; parse instead."""


@dataclass(frozen=True)
class LandedBefore:
    """A file as the published warehouse landed it (its row of landing.landed_files)."""

    source_file: str
    raw_file_name: str
    source_sha256: str
    size_bytes: int
    landed_records: int
    rejected_records: int
    skipped_lines: int  # blank and title lines


def landed_before(published: Path) -> tuple[dict[tuple[str, str], LandedBefore], str | None]:
    """The files the published warehouse landed with this parser, by (path, kind); or why none can be."""
    if not published.is_file():
        return {}, "no published warehouse"
    if published.with_name(published.name + ".wal").exists():
        # a writer left changes beside the file: a copy of the file alone would not hold them
        return {}, "the published warehouse has a write-ahead log beside it"
    try:
        with duckdb.connect(str(published), read_only=True) as connection:
            rows = connection.execute(
                "select source_file, raw_file_name, source_sha256, size_bytes, landed_records, "
                "rejected_records, blank_lines + title_lines from landing.landed_files "
                "where parser_version = ? and coalesce(file_problem, '') = '' and source_sha256 != ''",
                [parser_version()],
            ).fetchall()
    except duckdb.Error as error:
        return {}, f"the published warehouse's landed files cannot be read ({_first_line(error)})"
    files = {(row[0], row[1]): LandedBefore(*row[:3], *(int(count) for count in row[3:])) for row in rows}
    return files, None if files else "the published warehouse was landed by another version of the landing"


def _unchanged(path: Path, kind: str, before: dict[tuple[str, str], LandedBefore]) -> LandedBefore | None:
    """How the published warehouse landed the file, when its bytes are the same (size, then SHA-256)."""
    previous = before.get((str(path), kind))
    if previous is None or path.stat().st_size != previous.size_bytes:
        return None
    with path.open("rb") as handle:
        sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    return previous if sha256 == previous.source_sha256 else None


def unchanged_files(
    files: list[tuple[Path, str]], before: dict[tuple[str, str], LandedBefore]
) -> list[LandedBefore | None]:
    """For each (path, kind): how the published warehouse landed it if unchanged since, else None. Files are
    hashed a thread per core (hashlib lets go of the interpreter's lock while it hashes)."""
    if not before:
        return [None] * len(files)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(lambda file: _unchanged(file[0], file[1], before), files))


def start_from_published(
    published: Path,
    database: Path,
    schema: str,
    kinds: list[str],
    reused: list[LandedBefore],
    keep_built: bool = False,
) -> None:
    """Make `database` a copy of the published file that holds only the reused files' rows in `schema`.

    Copying the file costs a fraction of copying its rows (DuckDB compresses every row it writes again).
    The other schemas (what dbt built) are kept with `keep_built`, for an incremental build; else dropped,
    so the build starts as from an empty file. Raises ReuseFailedError when the file cannot be copied or
    read, or holds other counts than its landed_files rows say (a file edited by hand): the caller then
    parses every file.
    """
    for leftover in (database, database.with_name(database.name + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        shutil.copyfile(published, database)
    except OSError as error:
        raise ReuseFailedError(f"the published warehouse cannot be copied ({error})") from error
    try:
        with duckdb.connect(str(database)) as connection:
            _keep_reused_only(connection, schema, kinds, reused, keep_built)
    except duckdb.Error as error:
        raise ReuseFailedError(f"the published warehouse cannot be read ({_first_line(error)})") from error


def drop_other_schemas(connection: duckdb.DuckDBPyConnection, schema: str) -> None:
    """Drop every schema of the file but `schema`: what a build made from other landed rows."""
    others = connection.execute(
        "select schema_name from information_schema.schemata "
        "where catalog_name = current_database() and schema_name not in (?, 'main', 'information_schema', "
        "'pg_catalog')",
        [schema],
    ).fetchall()
    for (other,) in others:
        connection.execute(f'drop schema "{other}" cascade')


CHANGED_TABLE = "disclosures_changed"
# Present only when the build file kept the last build's models (an incremental build), naming the file
# they were kept from: dbt's data tests then test the rows the night computed (macros/cross_engine/
# incremental.sql, get_where_subquery). Dropped once the build succeeded (incremental.record_project_version).
KEPT_MODELS_TABLE = "kept_models"


def create_changed_table(connection: duckdb.DuckDBPyConnection, schema: str) -> None:
    connection.execute(
        f"create or replace table {schema}.{CHANGED_TABLE} (disclosure_id varchar, department_name varchar)"
    )


def record_kept_models(connection: duckdb.DuckDBPyConnection, schema: str, kept_from: Path | None) -> None:
    connection.execute(f"drop table if exists {schema}.{KEPT_MODELS_TABLE}")
    if kept_from is not None:
        connection.execute(
            f"create table {schema}.{KEPT_MODELS_TABLE} as select ? as kept_from", [str(kept_from)]
        )


def record_changed_disclosures(
    connection: duckdb.DuckDBPyConnection, schema: str, kinds: list[str], files_table: str, negate: bool
) -> None:
    """Add to disclosures_changed the ids named in the landed rows of the files in `files_table` (source_file,
    source_sha256), or with `negate` of every other file; a raw_disclosures row gives its department too."""
    match = "not exists" if negate else "exists"
    for table, sha_column in [*((kind, "source_file_sha256") for kind in kinds), ("lines_not_loaded", None)]:
        same_bytes = f"and files.source_sha256 = landed.{sha_column}" if sha_column else ""
        department = "landed.department_name" if table == "raw_disclosures" else "null"
        connection.execute(
            f"insert into {schema}.{CHANGED_TABLE} select distinct landed.disclosure_id, {department} "
            f'from {schema}."{table}" as landed where landed.disclosure_id is not null and {match} '
            f"(select 1 from {files_table} as files "
            f"where files.source_file = landed.source_file {same_bytes})"
        )


def _keep_reused_only(
    connection: duckdb.DuckDBPyConnection,
    schema: str,
    kinds: list[str],
    reused: list[LandedBefore],
    keep_built: bool,
) -> None:
    if not keep_built:
        drop_other_schemas(connection, schema)
    connection.execute("create temporary table reused_files (source_file varchar, source_sha256 varchar)")
    connection.executemany(
        "insert into reused_files values (?, ?)", [(file.source_file, file.source_sha256) for file in reused]
    )
    create_changed_table(connection, schema)
    # before their rows go: the disclosures the changed and vanished files named
    record_changed_disclosures(connection, schema, kinds, "reused_files", negate=True)
    # the kind tables carry the file's SHA-256 on every row; the other two are keyed by path
    for table, sha_column in [
        *((kind, "source_file_sha256") for kind in kinds),
        ("landed_files", "source_sha256"),
    ]:
        connection.execute(
            f'delete from {schema}."{table}" as landed where not exists (select 1 from reused_files '
            f"where reused_files.source_file = landed.source_file "
            f"and reused_files.source_sha256 = landed.{sha_column})"
        )
    connection.execute(
        f"delete from {schema}.lines_not_loaded as landed where not exists "
        "(select 1 from reused_files where reused_files.source_file = landed.source_file)"
    )
    # what is left must be what landed_files promise: a kind's records, one landed_files row per file
    expected = {kind: 0 for kind in kinds}
    for file in reused:
        expected[file.raw_file_name] += file.landed_records
    expected["landed_files"] = len(reused)
    for table, rows in expected.items():
        (held,) = connection.execute(f'select count(*) from {schema}."{table}"').fetchone() or (0,)
        if held != rows:
            raise ReuseFailedError(
                f"the published {schema}.{table} holds {held} rows of the unchanged files where its "
                f"landed_files say {rows}"
            )
    connection.execute("drop table reused_files")
    connection.execute("checkpoint")


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
