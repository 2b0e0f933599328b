"""The stewards' report, opened in headless Chromium (Debian's, driven by Playwright) as a steward would."""

from __future__ import annotations

import csv
import json
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Dialog, Page, sync_playwright

from budget_warehouse.bench.run import bench
from budget_warehouse.queryable import report_session
from budget_warehouse.report import (
    DISCLOSURE_PAGES,
    PARALLEL_PAGES_FROM,
    PagesWritten,
    RejectedRow,
    ReportData,
    _export_query,
    finding_ids_in_json,
    read_disclosure_summaries,
    write_disclosure_pages,
    write_findings_json,
    write_report,
)
from budget_warehouse.review import compare_runs, read_findings, read_stale_decisions
from budget_warehouse.validate import LATEST
from tests.conftest import PROJECT_DIR, NightlyRun

CHROMIUM = Path("/usr/bin/chromium")
# No updates, sync, or first-run traffic: whatever request the page makes is the page's own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_DIR / "test-artifacts"
INJECTED = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "Debian's chromium is missing: .ci/run installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OpenedPage:
    """A page opened from a file, with every request it made and every dialog it tried to show."""

    def __init__(self, browser: Browser, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page: Page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url, wait_until="load")

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def test_the_report_renders_offline_with_every_failing_finding(
    browser: Browser,
    sample_nightly: NightlyRun,
    marts: duckdb.DuckDBPyConnection,
    capsys: pytest.CaptureFixture[str],
) -> None:
    opened = OpenedPage(browser, sample_nightly.reports / LATEST / "index.html")
    page = opened.page
    failing = marts.execute("select count(*) from marts.fct_identity_checks where status = 'fail'").fetchone()

    assert opened.requests == [opened.url], "the page may request nothing but itself"
    assert page.title().startswith("部门决算")
    assert page.locator("#disclosures tr.disclosure").count() >= 1
    assert page.locator("#findings tbody tr.finding").count() == (failing[0] if failing else -1)
    assert page.locator("#charts svg rect.bar").count() > 0

    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "stewards_report.png"
    page.screenshot(path=str(screenshot), full_page=True)
    with capsys.disabled():
        print(f"\nscreenshot of the stewards' report: {screenshot}")
    page.close()


def test_the_filters_show_only_matching_findings(
    browser: Browser, sample_nightly: NightlyRun, marts: duckdb.DuckDBPyConnection
) -> None:
    findings = read_findings(marts)
    assert findings, "the sample has failing findings: there must be something to filter"
    severity = findings[-1].severity
    page = OpenedPage(browser, sample_nightly.reports / LATEST / "index.html").page

    page.select_option("select[data-filter=severity]", severity)

    expected = sum(finding.severity == severity for finding in findings)
    assert page.locator("#findings tbody tr.finding:visible").count() == expected
    assert page.locator("#shown-count").inner_text() == str(expected)
    page.select_option("select[data-filter=decision]", "none")
    assert page.locator("#findings tbody tr.finding:visible").count() == sum(
        finding.severity == severity and finding.decision is None for finding in findings
    )
    page.close()


def test_text_from_the_data_is_shown_as_text_never_run(
    browser: Browser, tmp_path: Path, marts: duckdb.DuckDBPyConnection
) -> None:
    finding = read_findings(marts, where="true")[0]
    # the report reads its findings from the warehouse: the hostile one is a table of the mart's columns
    marts.execute(
        "create temporary table hostile_findings as "
        "select * from marts.fct_findings_reviewed where finding_id = ?",
        [finding.finding_id],
    )
    marts.execute(
        "update hostile_findings set status = 'fail', subject_name = ?, message_zh = ?, decision_note = ?",
        [f"行政运行{INJECTED}", f"列示 {INJECTED} 与表格不一致", f'"><img src=x onerror=alert(2)>{INJECTED}'],
    )
    rejected = RejectedRow(
        raw_file_name="raw_function_lines",
        source_file="raw_function_lines.csv",
        source_line=7,
        disclosure_id="luzhou-hrss-2020",
        rejected_at="landing",
        rejection_reason="the row has 13 fields where the header has 12 (an unquoted comma or quote?)",
        raw_text=f"luzhou-hrss-2020,T5,{INJECTED}",
    )
    data = ReportData(
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        warehouse=INJECTED,
        disclosures=read_disclosure_summaries(marts),
        resolved_decisions=[],
        stale_decisions=read_stale_decisions(marts),
        outcomes=[],
        blockers=[],
        comparison=compare_runs(marts, has_previous=False, relation="hostile_findings"),
        rejected_rows=[rejected],
        new_rejection_keys=frozenset({rejected.key}),
        findings_relation="hostile_findings",
    )
    opened = OpenedPage(browser, write_report(tmp_path, data, marts))
    row = opened.page.locator("#findings tbody tr.finding")

    assert opened.dialogs == []
    assert opened.requests == [opened.url]
    assert INJECTED in row.inner_text()
    assert f"行政运行{INJECTED}" in opened.page.locator("#needs-decision").inner_text()
    assert INJECTED in opened.page.locator("#not-loaded tr.rejected-row").inner_text()
    # the page's own filter script is the only script element; the injected ones are text
    assert opened.page.locator("script").count() == 1
    assert opened.page.locator("img").count() == 0
    opened.page.close()


def test_a_finding_on_a_pdf_shows_its_printed_evidence_offline(
    browser: Browser, pdf_nightly: tuple[Path, Path, tuple[int, str, str]]
) -> None:
    tmp_path, warehouse, _ = pdf_nightly
    report = tmp_path / "reports" / LATEST
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        finding_id, page_number = connection.execute(
            "select finding_id, evidence_page from marts.fct_findings_reviewed "
            "where rule_id = 'NAR-06' and status = 'fail'"
        ).fetchone() or ("", 0)
    opened = OpenedPage(browser, report / "index.html")
    row = opened.page.locator(f"#findings tr.finding[id='{finding_id}']")
    image = row.locator("img.evidence-image")

    assert image.count() == 1
    image.scroll_into_view_if_needed()
    assert image.evaluate("element => element.complete && element.naturalWidth") > 0
    assert f"shanghai_putuo_social_work_dept_2024_final_accounts.pdf · p. {page_number}" in row.inner_text()
    assert "完成年初预算的95.89%" in row.inner_text()
    assert (report / "evidence" / f"{finding_id}.png").is_file()
    # the page and the images of its own folder, all from files: nothing from any network
    folder = report.resolve().as_uri() + "/"
    assert opened.requests[0] == opened.url
    assert all(request.startswith(folder) for request in opened.requests), opened.requests
    assert len(opened.requests) == 1 + opened.page.locator("img.evidence-image").count()
    opened.page.close()


# A generated corpus large enough that the first page no longer lists every finding nor draws every chart,
# and that the nightly renders its disclosure pages in several processes (report.PARALLEL_PAGES_FROM).
LARGE_CORPUS = 400
FIRST_PAGE_SECONDS = 2.0


@pytest.fixture(scope="module")
def large_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work_dir = tmp_path_factory.mktemp("large_report")
    result = bench(LARGE_CORPUS, work_dir)
    assert result.nightly.exit_status in (0, 2), result.nightly
    return work_dir / "reports" / LATEST, work_dir / "warehouse.duckdb"


def test_the_first_page_of_a_large_run_opens_fast_and_links_every_disclosure(
    browser: Browser, large_run: tuple[Path, Path]
) -> None:
    reports, warehouse = large_run
    started = time.monotonic()
    opened = OpenedPage(browser, reports / "index.html")
    seconds = time.monotonic() - started
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        disclosures = connection.execute("select count(*) from marts.dim_disclosure").fetchone()
        failing = connection.execute(
            "select disclosure_id, count(*) from marts.fct_identity_checks where status = 'fail' "
            "group by 1 order by 2 desc limit 1"
        ).fetchone()
    assert disclosures and failing
    assert seconds < FIRST_PAGE_SECONDS, f"the first page took {seconds:.2f} s to load"
    assert opened.requests == [opened.url]
    links = opened.page.locator("#disclosures tr.disclosure a")
    assert links.count() == disclosures[0]
    assert opened.page.locator("#needs-decision tr.open-finding").count() <= 200
    assert opened.page.locator("#charts").count() == 0  # every disclosure's charts are on its own page

    # the disclosure with most failing findings: its page lists every one of them
    disclosure_id, failing_count = failing
    link = opened.page.get_by_role("link", name=disclosure_id, exact=True)
    own = OpenedPage(browser, reports / str(link.get_attribute("href")))
    assert own.page.locator("#findings tbody tr.finding").count() == failing_count
    assert all(url.startswith(reports.resolve().as_uri()) for url in own.requests)
    opened.page.close()
    own.page.close()


def _report_data(connection: duckdb.DuckDBPyConnection, warehouse: Path) -> ReportData:
    """The report of the warehouse's findings alone: no decisions, expectations or rejected rows."""
    return ReportData(
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        warehouse=str(warehouse),
        disclosures=read_disclosure_summaries(connection),
        resolved_decisions=[],
        stale_decisions=[],
        outcomes=[],
        blockers=[],
        comparison=compare_runs(connection, has_previous=False),
        rejected_rows=[],
        new_rejection_keys=frozenset(),
    )


# A disclosure page's row of a failing finding.
FINDING_ROW = re.compile(r'<tr class="finding" id="(F-[0-9a-f]{16})"')


def test_every_failing_finding_is_listed_once_on_the_pages_and_in_the_exports(
    large_run: tuple[Path, Path], tmp_path: Path
) -> None:
    reports, warehouse = large_run
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        failing = sorted(
            str(finding_id)
            for (finding_id,) in connection.execute(
                "select finding_id from marts.fct_findings_reviewed where status = 'fail'"
            ).fetchall()
        )
        in_parquet = sorted(
            str(finding_id)
            for (finding_id,) in connection.execute(
                "select finding_id from read_parquet(?)", [str(reports / "findings.parquet")]
            ).fetchall()
        )
        # the pages written again a few disclosures a batch, so that many batches meet inside the corpus
        data = _report_data(connection, warehouse)
        write_disclosure_pages(tmp_path, data, connection, batch_size=7)
    with (reports / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        in_csv = sorted(row["finding_id"] for row in csv.DictReader(handle))
    in_json = sorted(finding_ids_in_json(reports / "findings.json"))

    assert len(failing) > 2000, "the corpus must be larger than the first page lists"
    assert len(data.disclosures) >= PARALLEL_PAGES_FROM, "the nightly's pages come from several processes"
    assert in_csv == failing
    assert in_parquet == failing
    assert in_json == failing
    for folder in (reports, tmp_path):
        pages = sorted((folder / DISCLOSURE_PAGES).glob("*.html"))
        assert len(pages) == len(data.disclosures)
        on_pages = [
            finding_id
            for page in pages
            for finding_id in FINDING_ROW.findall(page.read_text(encoding="utf-8"))
        ]
        assert sorted(on_pages) == failing, folder


def test_the_reports_duckdb_session_is_bounded_spills_apart_and_draws_no_progress_bar(tmp_path: Path) -> None:
    # DuckDB's default depends on how the process runs (on in the nightly, off under pytest): turned on here
    with duckdb.connect() as connection:
        connection.execute("set enable_progress_bar = true")
        report_session(connection, tmp_path, "1GB")
        (memory_limit, temp_directory, progress_bar) = connection.execute(
            "select current_setting('memory_limit'), current_setting('temp_directory'), "
            "current_setting('enable_progress_bar')"
        ).fetchone() or ("", "", True)
    with duckdb.connect(config={"memory_limit": "1GB"}) as connection:
        (expected_limit,) = connection.execute("select current_setting('memory_limit')").fetchone() or ("",)
    # a bar is drawn for any query of more than 2 s: at 100,000 disclosures, hundreds of lines of log
    assert (memory_limit, temp_directory, progress_bar) == (expected_limit, str(tmp_path), False)


def test_the_exports_wait_for_the_page_processes(sample_warehouse: Path, tmp_path: Path) -> None:
    """The exports' sort holds up to the report's memory limit: never while page processes hold theirs."""
    share: Future[PagesWritten] = Future()
    pages = PagesWritten(apart=True, pending=[share])
    done_at: list[int] = []

    def finish_the_share() -> None:
        done_at.append(time.time_ns())
        share.set_result(PagesWritten(rendered=3))

    with duckdb.connect(str(sample_warehouse), read_only=True) as connection:
        data = _report_data(connection, sample_warehouse)
        timer = threading.Timer(1.0, finish_the_share)
        timer.start()
        write_report(tmp_path, data, connection, pages)
        timer.join()
    assert pages.rendered == 3 and not pages.pending
    for export in ("findings.csv", "findings.parquet", "findings.json"):
        assert (tmp_path / export).stat().st_mtime_ns >= done_at[0], export


# Text that JSON must escape, and the CSV writer's delimiter and line end, which findings.json's writer uses.
AWKWARD_TEXT = 'a "quote", a back\\slash,\nan end of line,\r\n\ta tab, \x1f\x01 and 表 😀'


@pytest.mark.parametrize("failing_rows", ["every", "none"])
def test_findings_json_is_what_duckdbs_json_writer_writes_after_the_header(
    sample_warehouse: Path, tmp_path: Path, failing_rows: str
) -> None:
    with duckdb.connect(str(sample_warehouse), read_only=True) as connection:
        connection.execute("create temporary table findings as select * from marts.fct_findings_reviewed")
        connection.execute(
            "update findings set message_zh = ?, decision_note = ? "
            "where finding_id = (select min(finding_id) from findings where status = 'fail')",
            [AWKWARD_TEXT, AWKWARD_TEXT[::-1]],
        )
        if failing_rows == "none":
            connection.execute("update findings set status = 'pass'")
        data = _report_data(connection, sample_warehouse)
        write_findings_json(connection, tmp_path / "findings.json", data, relation="findings")
        reference = tmp_path / "reference.json"
        connection.execute(
            f"copy ({_export_query('findings', 'json')}) to '{reference}' (format json, array true)"
        )

    written = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    expected = json.loads(reference.read_text(encoding="utf-8"))
    assert written == {"generated_at": data.generated_at, "warehouse": data.warehouse, "findings": expected}
    if failing_rows == "every":
        assert len(expected) > 1
        assert AWKWARD_TEXT in [finding["message_zh"] for finding in written["findings"]]
    assert sorted(finding_ids_in_json(tmp_path / "findings.json")) == sorted(
        str(finding["finding_id"]) for finding in expected
    )
