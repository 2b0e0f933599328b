"""A disclosure page whose data has not changed since the last run is that run's page, linked into the new
run and byte for byte what that run rendered; a page whose findings, decisions or summary changed, or that
the last run left without its end, is rendered again."""

from __future__ import annotations

import dataclasses
import errno
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from budget_warehouse.report import (
    DISCLOSURE_PAGES,
    PagesData,
    PagesWritten,
    findings_digests,
    read_disclosure_summaries,
    write_disclosure_pages,
)

FIRST_RUN = "2026-11-29T01:00:00+00:00"
SECOND_RUN = "2026-11-30T01:00:00+00:00"
FINDINGS_COPY = "findings_of_this_test"


@pytest.fixture()
def connection(sample_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The sample's warehouse read-only, its findings copied into a temporary table a test may change."""
    reader = duckdb.connect(str(sample_warehouse), read_only=True)
    reader.execute(f"create temporary table {FINDINGS_COPY} as select * from marts.fct_findings_reviewed")
    failing = reader.execute(f"select count(*) from {FINDINGS_COPY} where status = 'fail'").fetchone()
    assert failing is not None and failing[0] > 0, "the sample must have failing findings to show"
    yield reader
    reader.close()


def pages_of(
    connection: duckdb.DuckDBPyConnection, run_dir: Path, generated_at: str, previous: Path | None = None
) -> tuple[PagesWritten, dict[str, str]]:
    data = PagesData(
        generated_at=generated_at,
        disclosures=read_disclosure_summaries(connection),
        findings_relation=FINDINGS_COPY,
        previous_run_dir=previous,
    )
    written = write_disclosure_pages(run_dir, data, connection)
    pages = {
        path.name: path.read_text(encoding="utf-8") for path in sorted((run_dir / DISCLOSURE_PAGES).glob("*"))
    }
    return written, pages


def test_an_unchanged_page_is_the_last_runs_page_linked_into_this_run(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    first, first_pages = pages_of(connection, tmp_path / "first", FIRST_RUN)
    second, second_pages = pages_of(connection, tmp_path / "second", SECOND_RUN, previous=tmp_path / "first")

    assert (first.rendered, first.reused) == (1, 0)
    assert (second.rendered, second.reused) == (0, 1)
    assert second_pages == first_pages
    (name,) = second_pages
    first_file = tmp_path / "first" / DISCLOSURE_PAGES / name
    second_file = tmp_path / "second" / DISCLOSURE_PAGES / name
    assert second_file.samefile(first_file)
    assert f"rendered in run {FIRST_RUN}" in second_pages[name] and SECOND_RUN not in second_pages[name]

    # the first run pruned: the second run's page is whole, and a third run still reuses it
    shutil.rmtree(tmp_path / "first")
    assert second_file.read_text(encoding="utf-8") == second_pages[name]
    third, third_pages = pages_of(connection, tmp_path / "third", SECOND_RUN, previous=tmp_path / "second")
    assert (third.rendered, third.reused) == (0, 1)
    assert third_pages == first_pages


def test_a_page_is_copied_where_the_file_system_links_no_files(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, first_pages = pages_of(connection, tmp_path / "first", FIRST_RUN)

    def no_links(source: object, destination: object) -> None:
        raise OSError(errno.EPERM, "links are not supported here", str(destination))

    monkeypatch.setattr(os, "link", no_links)
    second, second_pages = pages_of(connection, tmp_path / "second", SECOND_RUN, previous=tmp_path / "first")

    assert (second.rendered, second.reused) == (0, 1)
    assert second_pages == first_pages
    (name,) = second_pages
    assert not (tmp_path / "second" / DISCLOSURE_PAGES / name).samefile(
        tmp_path / "first" / DISCLOSURE_PAGES / name
    )


def test_a_page_whose_findings_changed_is_rendered_again(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    _, first_pages = pages_of(connection, tmp_path / "first", FIRST_RUN)
    # a steward's decision recorded on one failing finding since the last run
    connection.execute(
        f"update {FINDINGS_COPY} set decision_note = 'checked against the printed table' "
        f"where finding_id = (select min(finding_id) from {FINDINGS_COPY} where status = 'fail')"
    )

    second, pages = pages_of(connection, tmp_path / "second", SECOND_RUN, previous=tmp_path / "first")

    assert (second.rendered, second.reused) == (1, 0)
    (page,) = pages.values()
    assert "checked against the printed table" in page
    # the last run's page is its own file, as that run wrote it
    (name,) = first_pages
    assert (tmp_path / "first" / DISCLOSURE_PAGES / name).read_text(encoding="utf-8") == first_pages[name]


def test_a_page_whose_summary_changed_is_rendered_again(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    pages_of(connection, tmp_path / "first", FIRST_RUN)
    (summary,) = read_disclosure_summaries(connection)
    renamed = dataclasses.replace(summary, department_name="更名后的部门")
    data = PagesData(
        generated_at=SECOND_RUN,
        disclosures=[renamed],
        findings_relation=FINDINGS_COPY,
        previous_run_dir=tmp_path / "first",
    )

    second = write_disclosure_pages(tmp_path / "second", data, connection)

    assert (second.rendered, second.reused) == (1, 0)


def test_a_truncated_page_of_the_last_run_is_rendered_again(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    _, first_pages = pages_of(connection, tmp_path / "first", FIRST_RUN)
    (name,) = first_pages
    # a disk that filled up while the last run wrote the page: its stamp is there, its end is not
    (tmp_path / "first" / DISCLOSURE_PAGES / name).write_text(first_pages[name][:2000], encoding="utf-8")

    second, pages = pages_of(connection, tmp_path / "second", SECOND_RUN, previous=tmp_path / "first")
    _, rendered = pages_of(connection, tmp_path / "rendered", SECOND_RUN)

    assert (second.rendered, second.reused) == (1, 0)
    assert pages == rendered


def test_a_page_that_can_be_neither_linked_nor_copied_is_rendered(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the last run's folder pruned by a run beside this one after its pages were listed
    pages_of(connection, tmp_path / "first", FIRST_RUN)

    def gone(source: object, destination: object) -> None:
        raise FileNotFoundError(errno.ENOENT, "pruned meanwhile", str(source))

    monkeypatch.setattr(os, "link", gone)
    monkeypatch.setattr(shutil, "copyfile", gone)
    second, pages = pages_of(connection, tmp_path / "second", SECOND_RUN, previous=tmp_path / "first")
    monkeypatch.undo()
    _, rendered = pages_of(connection, tmp_path / "rendered", SECOND_RUN)

    assert (second.rendered, second.reused) == (1, 0)
    assert pages == rendered


def test_text_moved_from_one_column_to_the_next_changes_the_pages_digest(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    def digest_with(title_zh: str | None, title_en: str) -> dict[str, str]:
        connection.execute(
            f"update {FINDINGS_COPY} set title_zh = ?, title_en = ? "
            f"where finding_id = (select min(finding_id) from {FINDINGS_COPY} where status = 'fail')",
            [title_zh, title_en],
        )
        return findings_digests(connection, FINDINGS_COPY, ("", "\uffff"))

    # neighbouring columns of a finding
    assert digest_with("合计", "Total") != digest_with("合计Total", "")
    assert digest_with("合计", "Total") == digest_with("合计", "Total")
    # a missing text and an empty one
    assert digest_with(None, "Total") != digest_with("", "Total")
    # the same two texts, each in the other's column
    assert digest_with("Total", "合计") != digest_with("合计", "Total")
