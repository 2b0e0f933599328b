"""The stewards' report: one self-contained HTML page, plus findings.json and findings.csv.

The page makes no network request (stewards often work on closed networks): CSS and JS are inline, the
charts are SVG drawn here, the evidence images are PNG files of the report's own folder, and a
Content-Security-Policy forbids any fetch, any image but those and any script but our own.
Jinja2 escapes every value from the data. Amounts stay exact decimals, also in the chart geometry.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import multiprocessing
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import IO, Any

import duckdb
import jinja2

from budget_warehouse.evidence import EvidenceImage
from budget_warehouse.expectations import ExpectationOutcome
from budget_warehouse.linked_files import link_or_copy
from budget_warehouse.queryable import Queryable, copy_csv, execute_own, is_duckdb, report_session, stream
from budget_warehouse.review import (
    FINDINGS_MART,
    PREVIOUS_IDS,
    REPORT_ORDER,
    Blocker,
    Finding,
    RunComparison,
    StaleDecision,
    checked_relation,
    read_findings,
)

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
# The exported columns that are numbers: they stay numbers (a negative difference is not a formula).
DECIMAL_COLUMNS = ("provided_value", "expected_value", "difference", "tolerance")
INTEGER_COLUMNS = ("fiscal_year", "evidence_page")
# A spreadsheet runs a cell beginning with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The first page stays small however many disclosures a run has: it lists at most this many rows of a kind
# (what needs a decision, what was not loaded); the full lists are on the disclosure pages and in the exports.
SHOWN_ROWS = 200
# Up to this many failing findings, the first page also lists every one (with its filters).
INLINE_FINDINGS = 2000
FINDINGS_PARQUET = "findings.parquet"
FINDINGS_JSON = "findings.json"
# Where the findings array of a findings.json starts (never inside a string: a quote there is escaped).
_FINDINGS_ARRAY = re.compile(r'"findings"\s*:\s*\[')
_JSON_BLOCK = 1 << 20
_ID_BATCH = 50_000
# Up to this many disclosures, the first page also draws every disclosure's charts.
INLINE_CHART_DISCLOSURES = 20
DISCLOSURE_PAGES = "disclosures"
# What a disclosure page is made of besides its data: a change to any of them renders every page again.
PAGE_SOURCES = tuple(
    TEMPLATES / name for name in ("disclosure.html.j2", "_macros.html.j2", "chart.svg.j2", "report.js")
)
# The line below <!doctype html> of a disclosure page written on DuckDB: what it shows, and the run that
# rendered it.
PAGE_STAMP = re.compile(r"<!-- budget-warehouse page ([0-9a-f]{64}) run (\S+) -->")
PAGE_END_BYTES = b"</html>\n"
# the page's stamp is on its second line, well within its first bytes
PAGE_HEAD_BYTES = 512
# Disclosure pages are written this many disclosures at a time, each batch's findings and chart rows read
# by one query: memory stays flat in the number of disclosures.
PAGE_BATCH = 500
# What the report's connection may hold in memory; DuckDB spills a larger sort to a temporary folder.
# findings.csv's sort of every failing finding needs about 1.8 GB at 10,000 disclosures (1 GB fails there).
MEMORY_LIMIT = "2GB"
# The failing findings, copied once into a temporary table of the report's connection.
FAILING_FINDINGS = "report_failing_findings"
# On DuckDB, from this many disclosures on, the pages are rendered by one process per core (Jinja is most of
# the report's time: 40 s of one core at 10,000 disclosures) while the validation goes on; below it,
# starting the processes costs more than it saves. Each holds its share of the failing findings.
PARALLEL_PAGES_FROM = 400
PAGE_PROCESS_MEMORY_LIMIT = "1GB"


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


@dataclass(frozen=True, kw_only=True)
class PagesData:
    """What the disclosure pages show of the run: known before the expectations have run."""

    generated_at: str
    disclosures: list[DisclosureSummary]
    # finding id -> its page region rendered next to index.html (budget_warehouse.evidence)
    evidence_images: dict[str, EvidenceImage] = field(default_factory=dict)
    # the failing findings are read from here when the report is written, never held all at once
    findings_relation: str = FINDINGS_MART
    # the last run's folder: a disclosure page whose data has not changed since is reused from it
    previous_run_dir: Path | None = None


@dataclass
class PagesWritten:
    """How the disclosure pages of a run were written."""

    apart: bool = False  # by processes of their own (disclosure_pages_apart)
    rendered: int = 0
    reused: int = 0  # unchanged since the last run: its page linked into this run
    # the processes' shares not yet counted
    pending: list[Future[PagesWritten]] = field(default_factory=list, repr=False)

    def add(self, other: PagesWritten) -> None:
        self.rendered += other.rendered
        self.reused += other.reused

    def finish(self) -> None:
        """Await the page processes (if any still run) and count their pages."""
        while self.pending:
            self.add(self.pending.pop(0).result())


@dataclass(frozen=True, kw_only=True)
class ReportData(PagesData):
    """Everything the report shows: the pages' data, and what the expectations and the review found."""

    warehouse: str
    resolved_decisions: list[Finding]
    stale_decisions: list[StaleDecision]
    outcomes: list[ExpectationOutcome]
    blockers: list[Blocker]
    comparison: RunComparison
    rejected_rows: list[RejectedRow]
    new_rejection_keys: frozenset[str]


@dataclass(frozen=True)
class FamilySummary:
    family: str
    failing: int
    error: int
    open: int


@dataclass(frozen=True)
class FindingsOverview:
    """What the first page says about the failing findings, computed in SQL."""

    failing: int
    families: list[FamilySummary]
    severities: list[str]
    family_names: list[str]
    open_count: int
    # the first SHOWN_ROWS findings that need a decision, in the report's order
    open_findings: list[Finding]
    # every failing finding while there are at most INLINE_FINDINGS, else none
    inline_findings: list[Finding]


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


def _disclosure_range(column: str, between: tuple[str, str] | None) -> tuple[str, list[str]]:
    """A filter on a range of disclosure ids (a batch of pages), or none."""
    return ("", []) if between is None else (f"and {column} between ? and ?", list(between))


def read_expenditure_charts(connection: Queryable, between: tuple[str, str] | None = None) -> list[Chart]:
    """Per disclosure, actual expenditure by 类 with each 类's share, from the fullest fund it states (of the
    disclosures whose ids are `between` the two given, when given)."""
    in_range, parameters = _disclosure_range("disclosures.disclosure_id", between)
    rows = connection.execute(
        f"""
        select disclosures.disclosure_id, disclosures.department_name, lines.fund_type,
            coalesce(funds.name_zh, lines.fund_type), lines.function_code, lines.function_name,
            lines.actual_amount
        from marts.fct_expenditure_by_function as lines
        inner join marts.dim_disclosure as disclosures on lines.disclosure_id = disclosures.disclosure_id
        left join reference.ref_fund_types as funds on lines.fund_type = funds.fund_type
        where lines.function_level = '类' {in_range}
        order by disclosures.disclosure_id, lines.function_code
        """,
        parameters,
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


def read_execution_charts(connection: Queryable, between: tuple[str, str] | None = None) -> list[Chart]:
    """Per disclosure, each project's execution rate (executed / budget), the 100% budget line marked."""
    in_range, parameters = _disclosure_range("disclosures.disclosure_id", between)
    rows = connection.execute(
        f"""
        select disclosures.disclosure_id, disclosures.department_name, projects.project_id,
            projects.project_name, projects.budget_amount, projects.executed_amount, projects.execution_rate,
            coalesce(projects.is_executed_above_budget, false)
        from marts.fct_project_execution as projects
        inner join marts.dim_disclosure as disclosures on projects.disclosure_id = disclosures.disclosure_id
        where true {in_range}
        order by disclosures.disclosure_id, length(projects.project_id), projects.project_id
        """,
        parameters,
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


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula is prefixed with a quote, so it shows as text."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _plain_sql(column: str) -> str:
    """`plain` in SQL: a decimal as exact text without trailing zeros (DuckDB prints every digit of the
    scale, so a DECIMAL always has its point; PostgreSQL prints a numeric's own scale). strpos, not
    DuckDB's contains: the same text on PostgreSQL."""
    text = f"cast({column} as varchar)"
    return f"case when strpos({text}, '.') > 0 then rtrim(rtrim({text}, '0'), '.') else {text} end"


def _neutralise_sql(column: str) -> str:
    """`neutralise` in SQL; an empty text is written as an empty cell, as NULL is."""
    text = f"cast({column} as varchar)"
    starts = ", ".join(_sql_literal(start) for start in FORMULA_STARTS)
    quote = _sql_literal("'")
    return f"nullif(case when left({text}, 1) in ({starts}) then {quote} || {text} else {text} end, '')"


def _export_query(relation: str, form: str) -> str:
    """Every failing finding: typed (parquet), as JSON values (decimals as exact strings, as findings.json
    always had them) or as spreadsheet cells (csv), which a steward reads in the report's order. The other
    two are for programs and come in the engine's order: sorting every row is most of an export's time."""
    columns = []
    for column in CSV_COLUMNS:
        if form == "parquet" or column in INTEGER_COLUMNS:
            columns.append(column)
        elif column in DECIMAL_COLUMNS:
            columns.append(f"{_plain_sql(column)} as {column}")
        elif form == "csv":
            columns.append(f"{_neutralise_sql(column)} as {column}")
        else:
            columns.append(f"cast({column} as varchar) as {column}")
    query = f"select {', '.join(columns)} from {checked_relation(relation)} where status = 'fail'"
    return f"{query} order by {REPORT_ORDER}" if form == "csv" else query


def _copy(connection: Queryable, query: str, path: Path, options: str) -> None:
    connection.execute(f"copy ({query}) to {_sql_literal(str(path))} ({options})")


def write_findings_csv(
    connection: Queryable, path: Path, failing: int, relation: str = FINDINGS_MART
) -> None:
    """Every failing finding, written by DuckDB. UTF-8 with a byte-order mark, so that spreadsheets read the
    Chinese text as UTF-8: COPY writes the mark and the header as its PREFIX (which requires HEADER false
    and a SUFFIX, here the last line's end); lines end in CRLF, as Python's csv module wrote them."""
    header = "\ufeff" + ",".join(CSV_COLUMNS) + "\r\n"
    if not failing:  # COPY would still write the suffix: an empty line under the header
        path.write_text(header, encoding="utf-8", newline="")
        return
    if not is_duckdb(connection):
        # A server's COPY TO a file writes on the server's disk: the rows come over COPY TO STDOUT instead,
        # after the same header. PostgreSQL ends lines in LF; the file's newline turns them into CRLF.
        with path.open("w", encoding="utf-8", newline="\r\n") as target:
            target.write(header.removesuffix("\r\n") + "\n")
            copy_csv(connection, _export_query(relation, "csv"), target)
        return
    _copy(
        connection,
        _export_query(relation, "csv"),
        path,
        # comment '': DuckDB would otherwise quote every cell holding its comment character, #
        f"format csv, header false, prefix {_sql_literal(header)}, suffix '\r\n', new_line '\r\n', "
        "comment ''",
    )


def write_findings_parquet(connection: Queryable, path: Path, relation: str = FINDINGS_MART) -> None:
    """Every failing finding with its types (exact decimals, dates): for runs too large for a spreadsheet,
    and the ids the next run compares with. DuckDB only: on PostgreSQL none is written (the next run reads
    the previous ids from findings.json), and the run says so."""
    if not is_duckdb(connection):
        print(f"report: no {path.name} from PostgreSQL; findings.csv and findings.json hold every finding")
        return
    _copy(connection, _export_query(relation, "parquet"), path, "format parquet")


def write_findings_json(
    connection: Queryable, path: Path, data: ReportData, relation: str = FINDINGS_MART
) -> None:
    """{"generated_at", "warehouse", "findings": [...]} as before. On DuckDB one pass of its CSV writer
    writes the file: a finding's JSON object per line, each line but the last ending in a comma, between
    the header and the array's opening as its PREFIX and the closing as its SUFFIX. JSON text holds no raw
    newline and no unit separator (the delimiter), so no cell is ever quoted. At 10,000 disclosures this
    takes 1.8-2.8 s, where DuckDB's JSON writer and copying its file in after the header took 3.0-3.2 s,
    and the file is written once."""
    query = _export_query(relation, "json")
    header = json.dumps({"generated_at": data.generated_at, "warehouse": data.warehouse}, ensure_ascii=False)
    opening = header[:-1] + ', "findings": '
    if is_duckdb(connection):
        prefix, suffix = _sql_literal(opening + "[\n"), _sql_literal("\n]}\n")
        _copy(
            connection,
            f"select to_json(finding) from ({query}) as finding",
            path,
            "format csv, header false, quote '', escape '', delim '\x1f', new_line ',\n', "
            f"prefix {prefix}, suffix {suffix}",
        )
        return
    with path.open("w", encoding="utf-8") as target:
        target.write(opening)
        # a server writes COPY's files on its own disk: the rows are streamed here and written one
        # object at a time (the query has already made every value a JSON string, number or null)
        _write_json_array(stream(connection, query), target)
        target.write("}\n")


def _write_json_array(rows: Iterable[tuple[Any, ...]], target: IO[str]) -> None:
    target.write("[")
    for number, row in enumerate(rows):
        target.write(",\n" if number else "\n")
        target.write(json.dumps(dict(zip(CSV_COLUMNS, row, strict=True)), ensure_ascii=False))
    target.write("\n]")


def finding_ids_in_json(findings_json: Path, block: int = _JSON_BLOCK) -> Iterator[str]:
    """The finding ids of a findings.json, decoded one finding at a time: a report of an earlier version
    has only this file, and at 10,000 disclosures it is 0.8 GB, too large to load whole."""
    decoder = json.JSONDecoder()
    with findings_json.open(encoding="utf-8") as handle:
        buffer = handle.read(block)
        found = _FINDINGS_ARRAY.search(buffer)
        while found is None and (more := handle.read(block)):
            buffer += more
            found = _FINDINGS_ARRAY.search(buffer)
        if found is None:
            raise ValueError(f"{findings_json}: no findings array")
        position = found.end()
        while True:
            while position < len(buffer) and buffer[position] in " \t\r\n,":
                position += 1
            if position < len(buffer) and buffer[position] == "]":
                return
            try:
                record, end = decoder.raw_decode(buffer, position)
            except json.JSONDecodeError:
                more = handle.read(block)
                if not more:
                    raise
                buffer, position = buffer[position:] + more, 0
                continue
            yield str(record["finding_id"])
            position = end


def load_previous_finding_ids(connection: Queryable, report_dir: Path) -> bool:
    """The failing finding ids a previous report listed, into the temporary table PREVIOUS_IDS of the
    connection: from its findings.parquet, or from the findings.json of a report written before there was
    one. False when there was no previous report."""
    parquet, findings_json = report_dir / FINDINGS_PARQUET, report_dir / FINDINGS_JSON
    execute_own(connection, f"drop table if exists {PREVIOUS_IDS}")
    # read_parquet is DuckDB's (a PostgreSQL run writes no parquet, and would read the file on its server)
    if parquet.is_file() and is_duckdb(connection):
        execute_own(
            connection,
            f"create temporary table {PREVIOUS_IDS} as select cast(finding_id as varchar) "
            f"as finding_id from read_parquet({_sql_literal(str(parquet))})",
        )
        return True
    if not findings_json.is_file():
        return False
    execute_own(connection, f"create temporary table {PREVIOUS_IDS} (finding_id varchar)")
    batch: list[str] = []
    for finding_id in finding_ids_in_json(findings_json):
        batch.append(finding_id)
        if len(batch) == _ID_BATCH:
            connection.execute(f"insert into {PREVIOUS_IDS} select unnest(?)", [batch])
            batch = []
    if batch:
        connection.execute(f"insert into {PREVIOUS_IDS} select unnest(?)", [batch])
    return True


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


def read_overview(connection: Queryable, relation: str = FINDINGS_MART) -> FindingsOverview:
    """The first page's counts and short lists, aggregated by DuckDB."""
    # named, as PostgreSQL before 16 requires of a subquery in FROM
    failing = f"(select * from {checked_relation(relation)} where status = 'fail') as failing_rows"
    families = [
        FamilySummary(family, int(count), int(error), int(open_count))
        for family, count, error, open_count in connection.execute(
            f"""
            select family, count(*), count(*) filter (where severity = 'error'),
                count(*) filter (where decision is null)
            from {failing} group by family order by family
            """
        ).fetchall()
    ]
    severities = [
        str(severity)
        for (severity,) in connection.execute(
            f"select distinct severity from {failing} where severity <> '' order by 1"
        ).fetchall()
    ]
    count = sum(family.failing for family in families)
    return FindingsOverview(
        failing=count,
        families=families,
        severities=severities,
        family_names=[family.family for family in families if family.family],
        open_count=sum(family.open for family in families),
        open_findings=read_findings(
            connection, "status = 'fail' and decision is null", relation=relation, limit=SHOWN_ROWS
        ),
        inline_findings=read_findings(connection, relation=relation) if count <= INLINE_FINDINGS else [],
    )


def render_html(
    data: ReportData,
    overview: FindingsOverview,
    expenditure_charts: list[Chart],
    execution_charts: list[Chart],
) -> str:
    """The first page: the gate, the counts, what was not loaded, the summaries, what needs a decision and the
    failed expectations. Every finding is on its disclosure's page; on the first page too while few."""
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    failed = [outcome for outcome in data.outcomes if not outcome.success]
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            data=data,
            overview=overview,
            pages=disclosure_pages(data.disclosures),
            rejected_rows=data.rejected_rows[:SHOWN_ROWS],
            shown_rows=SHOWN_ROWS,
            expenditure_charts=expenditure_charts,
            execution_charts=execution_charts,
            show_charts=len(data.disclosures) <= INLINE_CHART_DISCLOSURES,
            failed_outcomes=failed,
            blocking_outcomes=[blocker.outcome for blocker in data.blockers],
            passed_count=len(data.outcomes) - len(failed),
            decisions=("accepted", "false_positive", "referred_back"),
            image_prefix="",
            script=script,
            script_hash=_script_hash(script),
        )
    )


def _batches(disclosures: Sequence[DisclosureSummary], size: int) -> Iterator[Sequence[DisclosureSummary]]:
    for start in range(0, len(disclosures), size):
        yield disclosures[start : start + size]


@cache
def _page_sources_digest() -> bytes:
    """The templates, the script and this module: what a page's bytes depend on besides its data."""
    digest = hashlib.sha256()
    for source in (*PAGE_SOURCES, Path(__file__)):
        digest.update(source.read_bytes())
    return digest.digest()


def page_key(
    disclosure: DisclosureSummary, findings_digest: str, charts: list[Chart], evidence_digest: str
) -> str:
    """The SHA-256 of everything a disclosure page shows but the run's time: the page's sources, the
    disclosure's summary and charts (frozen dataclasses, whose repr is every field's value), the digest of
    its failing findings (findings_digests) and of the run's evidence images."""
    digest = hashlib.sha256(_page_sources_digest())
    digest.update(repr((disclosure, findings_digest, charts, evidence_digest)).encode("utf-8"))
    return digest.hexdigest()


def evidence_digest(evidence_images: dict[str, EvidenceImage]) -> str:
    """The run's evidence images, in every page's key: a page shows those of its findings."""
    return hashlib.sha256(repr(sorted(evidence_images.items())).encode("utf-8")).hexdigest()


def findings_digests(connection: Queryable, relation: str, between: tuple[str, str]) -> dict[str, str]:
    """Per disclosure of the range (DuckDB only), a digest of its failing findings as the page lists them:
    the SHA-256 of each finding's 64-bit DuckDB hash of every column read_findings reads, as text in a
    row (so no two rows can read alike), in finding id order. The page's order follows from those values,
    so it needs no digest of its own. A row's hash is not cryptographic: a page is reused for a changed
    finding only if the two rows' hashes collide (one chance in 2^64), and DuckDB hashing differently in
    another version only renders the pages again. At 10,000 disclosures it takes 0.44 s where the
    SHA-256 of each row's JSON took 1.9 s, in a step every night runs on every disclosure. Only the pages
    that changed are read into Python."""
    columns = ", ".join(f"cast({field.name} as varchar)" for field in fields(Finding))
    rows = connection.execute(
        f"select disclosure_id, 'rows:' || sha256(string_agg(cast(hash(row({columns})) as varchar), "
        f"',' order by finding_id)) from {checked_relation(relation)} "
        "where status = 'fail' and disclosure_id between ? and ? group by disclosure_id",
        list(between),
    ).fetchall()
    return {str(disclosure_id): str(digest) for disclosure_id, digest in rows}


def previous_pages(previous_run_dir: Path | None) -> dict[str, tuple[Path, str]]:
    """The last run's whole disclosure pages by key, each with its file and the run that rendered it. A page
    without its end (a run killed or a disk filled while writing it) is left out: it is rendered again."""
    if previous_run_dir is None:
        return {}
    pages: dict[str, tuple[Path, str]] = {}
    for path in sorted((previous_run_dir / DISCLOSURE_PAGES).glob("*.html")):
        try:
            with path.open("rb") as handle:
                head = handle.read(PAGE_HEAD_BYTES).decode("utf-8", errors="replace")
                handle.seek(-len(PAGE_END_BYTES), os.SEEK_END)
                whole = handle.read() == PAGE_END_BYTES
        except OSError:
            continue
        stamp = PAGE_STAMP.search(head)
        if stamp and whole:
            pages[stamp.group(1)] = (path, stamp.group(2))
    return pages


def write_disclosure_pages(
    run_dir: Path,
    data: PagesData,
    connection: Queryable,
    batch_size: int = PAGE_BATCH,
    relation: str | None = None,
    written: slice = slice(None),
) -> PagesWritten:
    """One page per disclosure (of data.disclosures[written]): its summary, every failing finding with its
    evidence, its charts. Written `batch_size` disclosures at a time (the summaries are in disclosure id
    order, so a batch is a range of ids, the same range to DuckDB's ordering), so only one batch's findings
    are ever held.

    On DuckDB, each page carries its key (page_key); a page whose key is that of a whole page of the last
    run (data.previous_run_dir) is that page, linked into this run (link_or_copy) and still saying the run
    that rendered it, and only the findings of the pages to render are read."""
    folder = run_dir / DISCLOSURE_PAGES
    folder.mkdir(parents=True, exist_ok=True)
    template = _environment().get_template("disclosure.html.j2")
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    pages = disclosure_pages(data.disclosures)
    in_sql = is_duckdb(connection)
    previous = previous_pages(data.previous_run_dir) if in_sql else {}
    evidence = evidence_digest(data.evidence_images)
    source = relation or data.findings_relation
    counts = PagesWritten()
    for batch in _batches(data.disclosures[written], batch_size):
        between = (batch[0].disclosure_id, batch[-1].disclosure_id)
        charts: dict[str, list[Chart]] = defaultdict(list)
        for chart in (
            *read_expenditure_charts(connection, between),
            *read_execution_charts(connection, between),
        ):
            charts[chart.disclosure_id].append(chart)
        # off DuckDB pages carry no key: none is ever reused there
        digests = findings_digests(connection, source, between) if in_sql else {}
        keys = {
            disclosure.disclosure_id: page_key(
                disclosure,
                digests.get(disclosure.disclosure_id, ""),
                charts[disclosure.disclosure_id],
                evidence,
            )
            for disclosure in batch
            if in_sql
        }
        reused = {
            disclosure_id
            for disclosure_id, key in keys.items()
            if key in previous and link_or_copy(previous[key][0], run_dir / pages[disclosure_id])
        }
        counts.reused += len(reused)
        wanted = [disclosure.disclosure_id for disclosure in batch if disclosure.disclosure_id not in reused]
        findings: dict[str, list[Finding]] = defaultdict(list)
        if wanted:
            for finding in read_findings(
                connection,
                "status = 'fail' and disclosure_id between ? and ?"
                + (" and list_contains(?, disclosure_id)" if in_sql else ""),
                [*between, wanted] if in_sql else between,
                relation=source,
                order=f"disclosure_id, {REPORT_ORDER}",
            ):
                findings[finding.disclosure_id].append(finding)
        for disclosure in batch:
            if disclosure.disclosure_id in reused:
                continue
            own = findings.get(disclosure.disclosure_id, [])
            text = template.render(
                data=data,
                disclosure=disclosure,
                findings=own,
                charts=charts[disclosure.disclosure_id],
                severities=_distinct(finding.severity for finding in own),
                families=_distinct(finding.family for finding in own),
                decisions=("accepted", "false_positive", "referred_back"),
                image_prefix="../",
                script=script,
                script_hash=_script_hash(script),
                page_key=keys.get(disclosure.disclosure_id),
            )
            (run_dir / pages[disclosure.disclosure_id]).write_text(text, encoding="utf-8")
            counts.rendered += 1
    return counts


def _page_shares(count: int, processes: int) -> list[slice]:
    """count disclosures in `processes` contiguous shares of (nearly) equal size."""
    bounds = [count * part // processes for part in range(processes + 1)]
    return [slice(start, end) for start, end in itertools.pairwise(bounds) if end > start]


def _write_pages_apart(warehouse: str, run_dir: Path, data: PagesData, written: slice) -> PagesWritten:
    """In a process of its own: the pages of data.disclosures[written], from a read-only connection of its
    own and its share of the failing findings in a temporary table."""
    share = data.disclosures[written]
    connection = duckdb.connect(warehouse, read_only=True)
    try:
        with tempfile.TemporaryDirectory(prefix="report_pages_") as spill:
            report_session(connection, Path(spill), PAGE_PROCESS_MEMORY_LIMIT)
            connection.execute(
                f"create temporary table {FAILING_FINDINGS} as "
                f"select * from {checked_relation(data.findings_relation)} "
                "where status = 'fail' and disclosure_id between ? and ?",
                [share[0].disclosure_id, share[-1].disclosure_id],
            )
            return write_disclosure_pages(
                run_dir, data, connection, relation=FAILING_FINDINGS, written=written
            )
    finally:
        connection.close()


def database_file(connection: Queryable) -> str | None:
    """The file a DuckDB connection reads (None for any other engine, or a database in memory)."""
    if not is_duckdb(connection):
        return None
    row = connection.execute("select path from duckdb_databases() where database_name = current_database()")
    (path,) = row.fetchone() or (None,)
    return str(path) if path else None


def write_report(
    run_dir: Path, data: ReportData, connection: Queryable, pages: PagesWritten | None = None
) -> Path:
    """index.html, a page per disclosure, findings.csv, findings.parquet, findings.json and rejected_rows.json
    in run_dir, the findings read from the connection (data.findings_relation); returns index.html."""
    run_dir.mkdir(parents=True, exist_ok=True)
    # One scan of the mart (9.6 M rows at 10,000 disclosures) for the failing findings (490,797 there): the
    # first page, every batch of pages and the exports read this instead; DuckDB may spill it.
    execute_own(connection, f"drop table if exists {FAILING_FINDINGS}")
    execute_own(
        connection,
        f"create temporary table {FAILING_FINDINGS} as "
        f"select * from {checked_relation(data.findings_relation)} where status = 'fail'",
    )
    try:
        return _write_report(run_dir, data, connection, FAILING_FINDINGS, pages or PagesWritten())
    finally:
        execute_own(connection, f"drop table if exists {FAILING_FINDINGS}")


def _write_report(
    run_dir: Path, data: ReportData, connection: Queryable, relation: str, pages: PagesWritten
) -> Path:
    overview = read_overview(connection, relation)
    show_charts = len(data.disclosures) <= INLINE_CHART_DISCLOSURES
    page = run_dir / "index.html"
    page.write_text(
        render_html(
            data,
            overview,
            read_expenditure_charts(connection) if show_charts else [],
            read_execution_charts(connection) if show_charts else [],
        ),
        encoding="utf-8",
    )
    if not pages.apart:
        pages.add(write_disclosure_pages(run_dir, data, connection, relation=relation))
    # The exports' sort may hold MEMORY_LIMIT: not while the page processes hold theirs. On a first night at
    # 10,000 disclosures they overlapped once the expectations ran faster, and the run's peak passed 4 GB.
    pages.finish()
    _write_exports(run_dir, data, connection, relation, overview.failing)
    return page


@contextmanager
def disclosure_pages_apart(run_dir: Path, data: PagesData, warehouse: str | None) -> Iterator[PagesWritten]:
    """On DuckDB, with enough disclosures and cores: the disclosure pages rendered by processes of their own
    while the caller goes on (the expectations, the first page), awaited before the exports
    (PagesWritten.finish) or on leaving. Yields how they were written, counted once awaited; when not apart,
    write_report writes them itself and counts them there. warehouse: the DuckDB file (database_file), None
    on any other engine."""
    processes = min(os.cpu_count() or 1, 4)
    pages = PagesWritten()
    if warehouse is None or processes < 2 or len(data.disclosures) < PARALLEL_PAGES_FROM:
        yield pages
        return
    pages.apart = True
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        pages.pending = [
            pool.submit(_write_pages_apart, warehouse, run_dir, data, written)
            for written in _page_shares(len(data.disclosures), processes)
        ]
        try:
            yield pages
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
        pages.finish()


def _write_exports(
    run_dir: Path, data: ReportData, connection: Queryable, relation: str, failing: int
) -> None:
    write_findings_csv(connection, run_dir / "findings.csv", failing, relation)
    write_findings_parquet(connection, run_dir / FINDINGS_PARQUET, relation)
    write_findings_json(connection, run_dir / FINDINGS_JSON, data, relation)
    write_rejected_rows_json(run_dir / "rejected_rows.json", data.rejected_rows)
