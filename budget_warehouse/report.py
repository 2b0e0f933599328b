"""The stewards' report: one self-contained HTML page, plus findings.json and findings.csv.

The page makes no network request (stewards often work on closed networks): CSS and JS are inline, the
charts are SVG drawn here, the evidence images are PNG files of the report's own folder, and a
Content-Security-Policy forbids any fetch, any image but those and any script but our own.
Jinja2 escapes every value from the data. Amounts stay exact decimals, also in the chart geometry.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import jinja2

from budget_warehouse.evidence import EvidenceImage
from budget_warehouse.expectations import ExpectationOutcome
from budget_warehouse.queryable import Queryable
from budget_warehouse.review import Blocker, Finding, RunComparison, StaleDecision

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Chart geometry, in SVG units: labels on the left, then the bars, then each bar's value.
LABEL_AREA = Decimal(270)
BAR_AREA = Decimal(330)
BAR_HEIGHT = 22
# The funds a disclosure may chart its expenditure structure from, the fullest first.
CHART_FUNDS = ("all_funds", "general_public_budget", "government_fund", "state_capital")
CSV_COLUMNS = (
    "finding_id",
    "disclosure_id",
    "department_name",
    "fiscal_year",
    "rule_id",
    "family",
    "severity",
    "title_zh",
    "title_en",
    "subject",
    "subject_name",
    "provided_value",
    "expected_value",
    "difference",
    "tolerance",
    "unit",
    "message_zh",
    "message_en",
    "source_sections",
    "source_document",
    "evidence_page",
    "evidence_bbox",
    "evidence_quote",
    "review_status",
    "decision",
    "decided_by",
    "decided_on",
    "decision_note",
)
# A spreadsheet runs a cell beginning with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The first page stays small however many disclosures a run has: it lists at most this many rows of a kind
# (what needs a decision, what was not loaded); the full lists are on the disclosure pages and in the exports.
SHOWN_ROWS = 200
# Up to this many failing findings, the first page also lists every one (with its filters).
INLINE_FINDINGS = 2000
# Up to this many disclosures, the first page also draws every disclosure's charts.
INLINE_CHART_DISCLOSURES = 20
DISCLOSURE_PAGES = "disclosures"


@dataclass(frozen=True)
class DisclosureSummary:
    disclosure_id: str
    department_name: str | None
    fiscal_year: int | None
    checks_total: int
    checks_run: int
    pass_count: int
    rounding_count: int
    fail_count: int
    fail_error_count: int
    fail_warning_count: int
    fail_info_count: int
    checks_not_run: int
    acknowledged_count: int
    open_count: int


@dataclass(frozen=True)
class RejectedRow:
    """A raw record that was not loaded (marts.fct_rejected_rows), or a raw file broken as a whole."""

    raw_file_name: str | None
    source_file: str
    source_line: int | None
    disclosure_id: str | None
    rejected_at: str
    rejection_reason: str
    raw_text: str | None

    @property
    def key(self) -> str:
        """Stable across runs while the file and the reason stay the same: what "new" is counted against."""
        return f"{Path(self.source_file).name}:{self.source_line or 0}:{self.rejection_reason}"


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    length: Decimal
    is_highlighted: bool

    @property
    def width(self) -> str:
        return str(self.length)

    @property
    def value_x(self) -> str:
        return str(LABEL_AREA + self.length + 6)


@dataclass(frozen=True)
class Chart:
    disclosure_id: str
    title: str
    bars: tuple[Bar, ...]
    reference_length: Decimal | None
    notes: tuple[str, ...]

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * (BAR_HEIGHT + 6) + 8

    @property
    def reference_x(self) -> str | None:
        return None if self.reference_length is None else str(LABEL_AREA + self.reference_length)


@dataclass(frozen=True)
class ReportData:
    generated_at: str
    warehouse: str
    disclosures: list[DisclosureSummary]
    findings: list[Finding]
    resolved_decisions: list[Finding]
    stale_decisions: list[StaleDecision]
    outcomes: list[ExpectationOutcome]
    blockers: list[Blocker]
    comparison: RunComparison
    expenditure_charts: list[Chart]
    execution_charts: list[Chart]
    rejected_rows: list[RejectedRow]
    new_rejection_keys: frozenset[str]
    # finding id -> its page region rendered next to index.html (budget_warehouse.evidence)
    evidence_images: dict[str, EvidenceImage] = field(default_factory=dict)


def plain(value: Decimal | None) -> str:
    """A decimal as a steward reads it: exact, without trailing zeros or exponent."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def percent(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _bar_length(value: Decimal, scale: Decimal) -> Decimal:
    if scale <= 0 or value <= 0:
        return Decimal(0)
    return (value / scale * BAR_AREA).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def read_disclosure_summaries(connection: Queryable) -> list[DisclosureSummary]:
    rows = connection.execute(
        """
        select
            quality.disclosure_id, quality.department_name, quality.fiscal_year,
            -- a disclosure without any finding row has null counts in the quality mart
            coalesce(quality.checks_total, 0), coalesce(quality.checks_run, 0),
            coalesce(quality.pass_count, 0),
            coalesce(quality.rounding_count, 0), coalesce(quality.fail_count, 0),
            coalesce(quality.fail_error_count, 0), coalesce(quality.fail_warning_count, 0),
            coalesce(quality.fail_info_count, 0), coalesce(quality.checks_not_run, 0),
            count(reviewed.finding_id) filter (where reviewed.review_status = 'acknowledged'),
            count(reviewed.finding_id) filter (where reviewed.review_status = 'open')
        from marts.fct_disclosure_quality as quality
        left join marts.fct_findings_reviewed as reviewed on quality.disclosure_id = reviewed.disclosure_id
        -- every column named, not `group by all`: the same query runs on PostgreSQL
        group by
            quality.disclosure_id, quality.department_name, quality.fiscal_year, quality.checks_total,
            quality.checks_run, quality.pass_count, quality.rounding_count, quality.fail_count,
            quality.fail_error_count, quality.fail_warning_count, quality.fail_info_count,
            quality.checks_not_run
        order by quality.disclosure_id
        """
    ).fetchall()
    return [DisclosureSummary(*row) for row in rows]


def read_expenditure_charts(connection: Queryable) -> list[Chart]:
    """Per disclosure, actual expenditure by 类 with each 类's share, from the fullest fund it states."""
    rows = connection.execute(
        """
        select disclosures.disclosure_id, disclosures.department_name, lines.fund_type,
            coalesce(funds.name_zh, lines.fund_type), lines.function_code, lines.function_name,
            lines.actual_amount
        from marts.fct_expenditure_by_function as lines
        inner join marts.dim_disclosure as disclosures on lines.disclosure_id = disclosures.disclosure_id
        left join reference.ref_fund_types as funds on lines.fund_type = funds.fund_type
        where lines.function_level = '类'
        order by disclosures.disclosure_id, lines.function_code
        """
    ).fetchall()
    by_disclosure: dict[tuple[str, str], dict[str, list[tuple[str, str, Decimal | None]]]] = {}
    fund_names: dict[str, str] = {}
    for disclosure_id, department, fund, fund_name, code, name, amount in rows:
        fund_names[fund] = fund_name
        funds = by_disclosure.setdefault((disclosure_id, department or disclosure_id), {})
        funds.setdefault(fund, []).append((code, name or "", amount))
    charts = []
    for (disclosure_id, department), funds in by_disclosure.items():
        fund = next((candidate for candidate in CHART_FUNDS if candidate in funds), sorted(funds)[0])
        lines = funds[fund]
        stated = [(code, name, amount) for code, name, amount in lines if amount is not None]
        total = sum((amount for _, _, amount in stated), Decimal(0))
        largest = max((amount for _, _, amount in stated), default=Decimal(0))
        bars = tuple(
            Bar(
                label=f"{code} {name}",
                value_text=f"{plain(amount)} 万元 · {percent(amount / total * 100) if total else '—'}%",
                y=index * (BAR_HEIGHT + 6),
                length=_bar_length(amount, largest),
                is_highlighted=False,
            )
            for index, (code, name, amount) in enumerate(stated)
        )
        notes = tuple(
            f"{code} {name}: stated twice with different values, not charted"
            for code, name, amount in lines
            if amount is None
        )
        charts.append(
            Chart(
                disclosure_id=disclosure_id,
                title=f"{department} ({disclosure_id}) · {fund_names[fund]} · 合计 {plain(total)} 万元",
                bars=bars,
                reference_length=None,
                notes=notes,
            )
        )
    return charts


def read_execution_charts(connection: Queryable) -> list[Chart]:
    """Per disclosure, each project's execution rate (executed / budget), the 100% budget line marked."""
    rows = connection.execute(
        """
        select disclosures.disclosure_id, disclosures.department_name, projects.project_id,
            projects.project_name, projects.budget_amount, projects.executed_amount, projects.execution_rate,
            coalesce(projects.is_executed_above_budget, false)
        from marts.fct_project_execution as projects
        inner join marts.dim_disclosure as disclosures on projects.disclosure_id = disclosures.disclosure_id
        order by disclosures.disclosure_id, length(projects.project_id), projects.project_id
        """
    ).fetchall()
    by_disclosure: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for disclosure_id, department, *project in rows:
        by_disclosure.setdefault((disclosure_id, department or disclosure_id), []).append(tuple(project))
    charts = []
    for (disclosure_id, department), projects in by_disclosure.items():
        rated = [project for project in projects if project[4] is not None]
        scale = max([Decimal(1), *(project[4] for project in rated)])
        bars = tuple(
            Bar(
                label=f"{project_id} {name}",
                value_text=f"{percent(rate * 100)}% · {plain(executed)} / {plain(budget)} 万元"
                + (" · above budget" if above else ""),
                y=index * (BAR_HEIGHT + 6),
                length=_bar_length(rate, scale),
                is_highlighted=above,
            )
            for index, (project_id, name, budget, executed, rate, above) in enumerate(rated)
        )
        notes = tuple(
            f"{project_id} {name}: no budget, no rate"
            for project_id, name, _, _, rate, _ in projects
            if rate is None
        )
        charts.append(
            Chart(
                disclosure_id=disclosure_id,
                title=f"{department} ({disclosure_id})",
                bars=bars,
                reference_length=_bar_length(Decimal(1), scale),
                notes=notes,
            )
        )
    return charts


def read_rejected_rows(connection: Queryable) -> list[RejectedRow]:
    """Every record that was not loaded, and every raw file broken as a whole (header, encoding, 0 bytes)."""
    rows = connection.execute(
        "select raw_file_name, source_file, source_line, disclosure_id, rejected_at, rejection_reason, "
        "raw_text "
        "from marts.fct_rejected_rows "
        "union all "
        "select raw_file_name, source_file, null, null, 'landing', "
        "coalesce(file_problem, 'no kind of the raw contract has this file name'), null "
        "from marts.fct_load_reconciliation "
        "where (file_problem is not null and coalesce(raw_rows, 0) = 0) or raw_file_name is null "
        "order by source_file, source_line nulls first"
    ).fetchall()
    return [RejectedRow(*row) for row in rows]


def read_rejection_keys(rejected_rows_json: Path) -> frozenset[str] | None:
    """The rejection keys a previous report listed; None when there was no previous report."""
    if not rejected_rows_json.is_file():
        return None
    return frozenset(json.loads(rejected_rows_json.read_text(encoding="utf-8"))["keys"])


def write_rejected_rows_json(path: Path, rows: list[RejectedRow]) -> None:
    document = {
        "keys": sorted({row.key for row in rows}),
        "rejected_rows": [
            {
                "raw_file_name": row.raw_file_name,
                "source_file": row.source_file,
                "source_line": row.source_line,
                "disclosure_id": row.disclosure_id,
                "rejected_at": row.rejected_at,
                "rejection_reason": row.rejection_reason,
                "raw_text": row.raw_text,
            }
            for row in rows
        ],
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def finding_record(finding: Finding) -> dict[str, str | int | None]:
    """A finding for findings.json and findings.csv: decimals as exact strings, dates in ISO form."""
    record: dict[str, str | int | None] = {}
    for column in CSV_COLUMNS:
        value = getattr(finding, column)
        if isinstance(value, Decimal):
            record[column] = plain(value)
        elif isinstance(value, date):
            record[column] = value.isoformat()
        else:
            record[column] = value
    return record


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula is prefixed with a quote, so it shows as text."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def write_findings_csv(path: Path, findings: Iterable[Finding]) -> None:
    # utf-8 with a byte-order mark: spreadsheets then read the Chinese text as UTF-8.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for finding in findings:
            record = finding_record(finding)
            writer.writerow([_csv_cell(getattr(finding, column), record[column]) for column in CSV_COLUMNS])


def _csv_cell(value: object, shown: str | int | None) -> str:
    """Numbers stay numbers (a negative difference is not a formula); only text is neutralised."""
    if shown is None:
        return ""
    if isinstance(value, Decimal | int):
        return str(shown)
    return neutralise(str(shown))


def write_findings_json(path: Path, data: ReportData) -> None:
    document = {
        "generated_at": data.generated_at,
        "warehouse": data.warehouse,
        "findings": [finding_record(finding) for finding in data.findings],
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_finding_ids(findings_json: Path) -> frozenset[str] | None:
    """The failing finding ids a previous report listed; None when there was no previous report."""
    if not findings_json.is_file():
        return None
    document = json.loads(findings_json.read_text(encoding="utf-8"))
    return frozenset(str(finding["finding_id"]) for finding in document["findings"])


def _script_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def _distinct(values: Iterable[str | None]) -> Sequence[str]:
    return sorted({value for value in values if value})


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["plain"] = plain
    return environment


def disclosure_pages(disclosures: Sequence[DisclosureSummary]) -> dict[str, str]:
    """Each disclosure's page, relative to index.html: numbered, so any id makes a safe file name."""
    return {
        disclosure.disclosure_id: f"{DISCLOSURE_PAGES}/{number:05d}.html"
        for number, disclosure in enumerate(disclosures, start=1)
    }


def render_html(data: ReportData) -> str:
    """The first page: the gate, the counts, what was not loaded, the summaries, what needs a decision and the
    failed expectations. Every finding is on its disclosure's page; on the first page too while few."""
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    failed = [outcome for outcome in data.outcomes if not outcome.success]
    open_findings = [finding for finding in data.findings if not finding.is_acknowledged]
    inline = len(data.findings) <= INLINE_FINDINGS
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            data=data,
            pages=disclosure_pages(data.disclosures),
            families_summary=_family_summary(data.findings),
            open_findings=open_findings[:SHOWN_ROWS],
            open_count=len(open_findings),
            rejected_rows=data.rejected_rows[:SHOWN_ROWS],
            shown_rows=SHOWN_ROWS,
            inline_findings=data.findings if inline else [],
            show_charts=len(data.disclosures) <= INLINE_CHART_DISCLOSURES,
            failed_outcomes=failed,
            blocking_outcomes=[blocker.outcome for blocker in data.blockers],
            passed_count=len(data.outcomes) - len(failed),
            severities=_distinct(finding.severity for finding in data.findings),
            families=_distinct(finding.family for finding in data.findings),
            decisions=("accepted", "false_positive", "referred_back"),
            image_prefix="",
            script=script,
            script_hash=_script_hash(script),
        )
    )


@dataclass(frozen=True)
class FamilySummary:
    family: str
    failing: int
    error: int
    open: int


def _family_summary(findings: Sequence[Finding]) -> list[FamilySummary]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.family].append(finding)
    return [
        FamilySummary(
            family=family,
            failing=len(items),
            error=sum(item.severity == "error" for item in items),
            open=sum(not item.is_acknowledged for item in items),
        )
        for family, items in sorted(grouped.items())
    ]


def write_disclosure_pages(run_dir: Path, data: ReportData) -> None:
    """One page per disclosure: its summary, every failing finding with its evidence, its charts."""
    folder = run_dir / DISCLOSURE_PAGES
    folder.mkdir(parents=True, exist_ok=True)
    template = _environment().get_template("disclosure.html.j2")
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    findings: dict[str, list[Finding]] = defaultdict(list)
    for finding in data.findings:
        findings[finding.disclosure_id].append(finding)
    charts: dict[str, list[Chart]] = defaultdict(list)
    for chart in (*data.expenditure_charts, *data.execution_charts):
        charts[chart.disclosure_id].append(chart)
    by_id = {disclosure.disclosure_id: disclosure for disclosure in data.disclosures}
    for disclosure_id, page in disclosure_pages(data.disclosures).items():
        own = findings.get(disclosure_id, [])
        (run_dir / page).write_text(
            template.render(
                data=data,
                disclosure=by_id[disclosure_id],
                findings=own,
                charts=charts.get(disclosure_id, []),
                severities=_distinct(finding.severity for finding in own),
                families=_distinct(finding.family for finding in own),
                decisions=("accepted", "false_positive", "referred_back"),
                image_prefix="../",
                script=script,
                script_hash=_script_hash(script),
            ),
            encoding="utf-8",
        )


def write_report(run_dir: Path, data: ReportData) -> Path:
    """index.html, a page per disclosure, findings.json and findings.csv in run_dir; returns index.html."""
    run_dir.mkdir(parents=True, exist_ok=True)
    page = run_dir / "index.html"
    page.write_text(render_html(data), encoding="utf-8")
    write_disclosure_pages(run_dir, data)
    write_findings_json(run_dir / "findings.json", data)
    write_findings_csv(run_dir / "findings.csv", data.findings)
    write_rejected_rows_json(run_dir / "rejected_rows.json", data.rejected_rows)
    return page
