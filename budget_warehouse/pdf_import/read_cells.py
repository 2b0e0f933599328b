"""Stage 3: read each standard table's rows and columns into raw rows (dicts keyed by contract columns).

Columns are recognised by their header text at the x position of the header words; a blank cell has no row;
numbers that cannot be placed (no code, no total label, no known column) are reported as problems, never
guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from budget_warehouse.pdf_import.find_tables import TableRegion
from budget_warehouse.pdf_import.grid import (
    NOTE_START,
    Grid,
    Interval,
    build_grid,
    is_amount,
    join_cell,
    quote,
)
from budget_warehouse.pdf_import.read_pdf import Word, cluster_lines, line_text
from budget_warehouse.pdf_import.reference import function_class_codes, normalise

Row = dict[str, str]

FUNCTION_TABLE_FUNDS = {
    "T2": "all_funds",
    "T3": "all_funds",
    "T5": "general_public_budget",
    "T8": "government_fund",
    "T9": "state_capital",
}
# Header text -> measure; the first pattern found wins, so the specific ones come first.
MEASURE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("年初结转", "carry_forward_begin"),
    ("年末结转", "carry_forward_end"),
    ("财政拨款收入", "fiscal_appropriation_income"),
    ("上级补助", "superior_subsidy_income"),
    ("附属单位上缴", "affiliated_remittance_income"),
    ("事业收入", "business_income"),
    ("经营收入", "operating_income"),
    ("其他收入", "other_income"),
    ("本年收入", "income_total"),
    ("对附属单位补助", "subsidy_to_affiliates"),
    ("上缴上级", "remit_to_superior"),
    ("经营支出", "operating"),
    ("基本支出", "basic"),
    ("项目支出", "project"),
    ("年初预算", "budget_initial"),
    ("全年预算", "budget_full_year"),
    ("预算数", "budget_full_year"),
    ("合计", "actual_total"),
    ("小计", "actual_total"),
    ("决算数", "actual_total"),
    ("本年支出", "actual_total"),
)
FUND_PATTERNS: tuple[tuple[str, str], ...] = (
    ("一般公共预算", "general_public_budget"),
    ("政府性基金", "government_fund"),
    ("国有资本经营", "state_capital"),
    ("合计", "all_funds"),
    ("决算数", "all_funds"),
)
THREE_PUBLIC_PATTERNS: tuple[tuple[str, str], ...] = (
    ("合计", "three_public_total"),
    ("小计", "vehicle_total"),
    ("出国", "overseas_travel"),
    ("接待", "official_reception"),
    ("购置", "vehicle_purchase"),
    ("运行", "vehicle_operation"),
)
# Header phrases spanning several 三公 column groups: they name no single item.
THREE_PUBLIC_SPANNING = re.compile(r"财政拨款三公经费|三公经费|公务用车购置及运行(维护)?费")
EMPTY_NOTE_HINT = re.compile(r"无数据|没有|未发生|为零|为0")
INCOME_ITEMS: tuple[tuple[str, str], ...] = (
    ("本年收入合计", "income_total"),
    ("使用非财政拨款结余", "use_of_non_fiscal_balance"),
    ("结转和结余", "carry_forward_begin"),
    ("总计", "income_grand_total"),
    ("一般公共预算财政拨款", "fiscal_appropriation_general"),
    ("政府性基金预算财政拨款", "fiscal_appropriation_gov_fund"),
    ("国有资本经营预算财政拨款", "fiscal_appropriation_state_capital"),
    ("上级补助收入", "superior_subsidy"),
    ("事业收入", "business_income"),
    ("经营收入", "operating_income"),
    ("附属单位上缴收入", "affiliated_remittance"),
    ("其他收入", "other_income"),
)
EXPENDITURE_ITEMS: tuple[tuple[str, str], ...] = (
    ("本年支出合计", "expenditure_total"),
    ("结余分配", "balance_distribution"),
    ("结转和结余", "carry_forward_end"),
    ("总计", "expenditure_grand_total"),
)
FUND_LINES: tuple[tuple[str, str], ...] = (
    ("一般公共预算", "general_public_budget"),
    ("政府性基金", "government_fund"),
    ("国有资本经营", "state_capital"),
)
NUMBERING = re.compile("^[一二三四五六七八九十]+[、.\uff0e]")


@dataclass
class TableResult:
    """What one table yields: raw rows per kind, its printed-table row, and what could not be placed."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    columns_printed: list[str] = field(default_factory=list)
    empty_note: str = ""
    amount_count: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, kind: str, row: Row) -> None:
        self.rows.setdefault(kind, []).append(row)
        self.amount_count += 1


@dataclass
class Column:
    interval: Interval
    role: str  # code, name, label, amount
    header: str
    key: str = ""  # measure / fund / item the amount column is


def first_match(text: str, patterns: tuple[tuple[str, str], ...]) -> str:
    for needle, value in patterns:
        if needle in text:
            return value
    return ""


def amount_evidence(word: Word, page: int, unit: str) -> Row:
    text = word.text
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation as error:  # is_amount guards this; kept for clear failures
        raise ValueError(f"not an amount: {text}") from error
    return {
        "amount": str(value),
        "unit": unit,
        "page": str(page),
        "bbox": word.bbox_text(),
        "printed_text": text,
    }


def header_texts(grid: Grid) -> list[str]:
    """Per column, its non-numeric words top to bottom (data cells hold numbers only in amount columns)."""
    texts: list[str] = []
    for x0, x1 in grid.columns:
        words = [w for w in grid.words if x0 <= w.x_center < x1 and not is_amount(w.text)]
        texts.append(normalise("".join(w.text for line in cluster_lines(words) for w in line)))
    return texts


def _header_words(grid: Grid, column: int) -> list[str]:
    """Non-numeric words above the first row holding a number: the header of a label column."""
    first_data = min((w.top for w in grid.words if is_amount(w.text)), default=1e9)
    x0, x1 = grid.columns[column]
    words = [w for w in grid.words if x0 <= w.x_center < x1 and w.top < first_data - 1]
    return [normalise(w.text) for line in cluster_lines(words) for w in line]


def _header_only(grid: Grid, column: int) -> str:
    return "".join(_header_words(grid, column))


def _is_code_header(words: list[str]) -> bool:
    """类 / 款 / 项 printed alone over their column, or 科目编码 over a one-column code."""
    return any(word in ("类", "款", "项") or "编码" in word for word in words)


def note_text(region: TableRegion, grids: list[Grid]) -> str:
    """The note printed under an empty table (注 / 说明 ... 无数据 / 没有 ...), wrapped lines joined."""
    notes: list[str] = []
    for piece, grid in zip(region.slices, grids, strict=False):
        below = max((b for _, b in grid.rows), default=piece.top)
        current: list[str] = []
        for line in piece.page.lines(top=piece.top, bottom=piece.bottom):
            if line[0].top < below - 1:
                continue
            text = line_text(line, "")
            if NOTE_START.match(text):
                if current:
                    notes.append("".join(current))
                current = [text]
            elif current:
                current.append(text)
        if current:
            notes.append("".join(current))
    for note in notes:
        if "故本表无数据" in note or "本年度没有" in note:
            return note
    return next((n for n in notes if EMPTY_NOTE_HINT.search(n)), "")


def grids_of(region: TableRegion) -> list[Grid]:
    first = build_grid(region.slices[0])
    return [first] + [build_grid(piece, first.columns) for piece in region.slices[1:]]


# ---------------------------------------------------------------- function tables (T2, T3, T5, T8, T9)


def function_columns(grid: Grid) -> list[Column]:
    columns: list[Column] = []
    for index, (interval, text) in enumerate(zip(grid.columns, header_texts(grid), strict=True)):
        header = _header_only(grid, index)
        if _is_code_header(_header_words(grid, index)):
            columns.append(Column(interval, "code", header))
        elif "名称" in header or header in ("项目", "科目"):
            columns.append(Column(interval, "name", header))
        else:
            columns.append(Column(interval, "amount", text, first_match(text, MEASURE_PATTERNS)))
    return columns


def read_function_table(region: TableRegion, source_section: str) -> TableResult:
    result = TableResult()
    grids = grids_of(region)
    columns = function_columns(grids[0])
    result.columns_printed = [c.key for c in columns if c.role == "amount" and c.key]
    fund = FUNCTION_TABLE_FUNDS[region.table_code]
    for piece, grid in zip(region.slices, grids, strict=True):
        for row_index in range(len(grid.rows)):
            _function_row(result, region, grid, columns, row_index, piece.page.number, fund, source_section)
    if result.amount_count == 0:
        result.empty_note = note_text(region, grids)
    return result


def _cells(grid: Grid, columns: list[Column], row: int, role: str) -> list[tuple[Column, list[Word]]]:
    top, bottom = grid.rows[row]
    found = []
    for column in columns:
        x0, x1 = column.interval
        if column.role == role:
            found.append(
                (column, [w for w in grid.words if top <= w.y_center < bottom and x0 <= w.x_center < x1])
            )
    return found


def _function_row(
    result: TableResult,
    region: TableRegion,
    grid: Grid,
    columns: list[Column],
    row: int,
    page: int,
    fund: str,
    section: str,
) -> None:
    code = "".join(w.text for _, words in _cells(grid, columns, row, "code") for w in sorted(words, key=_x))
    name = "".join(join_cell(words) for _, words in _cells(grid, columns, row, "name"))
    amounts = [
        (c, w) for c, words in _cells(grid, columns, row, "amount") for w in words if is_amount(w.text)
    ]
    if not amounts:
        return
    band_quote = quote(grid.band(row))
    is_code = bool(re.fullmatch(r"\d{3}(\d{2}){0,2}", code))
    is_total = not is_code and "合计" in normalise(name + code)
    for column, word in amounts:
        where = f"{region.table_code} p{page} '{band_quote}'"
        if not column.key:
            result.problems.append(f"{where}: {word.text} under a column not recognised ({column.header!r})")
            continue
        evidence = amount_evidence(word, page, region.unit)
        if is_total:
            result.add("raw_table_totals", _total_row(region, fund, "total", column.key, evidence, section))
        elif is_code:
            row_out: Row = {
                "table_code": region.table_code,
                "fund_type": fund,
                "function_code": code,
                "function_name": name,
                "parent_names_printed": "",
                "measure": column.key,
                "source_section": section,
                "source_quote": band_quote,
                "transcription_note": "",
                **evidence,
            }
            result.add("raw_function_lines", row_out)
        else:
            result.problems.append(f"{where}: {word.text} on a line with no code and no 合计 label")


def _x(word: Word) -> float:
    return word.x0


def _total_row(region: TableRegion, fund: str, item: str, measure: str, evidence: Row, section: str) -> Row:
    return {
        "table_code": region.table_code,
        "fund_type": fund,
        "total_item": item,
        "measure": measure,
        "source_section": section,
        "transcription_note": "",
        **evidence,
    }


# ---------------------------------------------------------------- T6: basic expenditure by economic class


def read_economic_table(region: TableRegion, source_section: str) -> TableResult:
    result = TableResult()
    grids = grids_of(region)
    columns = _economic_columns(grids[0])
    split = next((i for i, c in enumerate(columns) if c.role == "amount"), len(columns) - 1) + 1
    halves = (("人员经费", columns[:split]), ("公用经费", columns[split:]))
    result.columns_printed = ["actual_total"] if any(c.role == "amount" for c in columns) else []
    for piece, grid in zip(region.slices, grids, strict=True):
        for group, half in halves:
            for row in range(len(grid.rows)):
                _economic_row(result, region, grid, half, row, piece.page.number, group, source_section)
    if result.amount_count == 0:
        result.empty_note = note_text(region, grids)
    return result


def _economic_columns(grid: Grid) -> list[Column]:
    columns: list[Column] = []
    for index, interval in enumerate(grid.columns):
        header = _header_only(grid, index)
        if "决算数" in header or "金额" in header:
            columns.append(Column(interval, "amount", header, "actual_total"))
        elif "名称" in header:
            columns.append(Column(interval, "name", header))
        else:
            columns.append(Column(interval, "code", header))
    return columns


def _economic_row(
    result: TableResult,
    region: TableRegion,
    grid: Grid,
    half: list[Column],
    row: int,
    page: int,
    group: str,
    section: str,
) -> None:
    codes = _cells(grid, half, row, "code")
    code = "".join(w.text for _, words in codes for w in sorted(words, key=_x) if w.text.isdigit())
    label = normalise("".join(join_cell(words) for _, words in codes))
    name = "".join(join_cell(words) for _, words in _cells(grid, half, row, "name"))
    amounts = [w for _, words in _cells(grid, half, row, "amount") for w in words if is_amount(w.text)]
    if not amounts:
        return
    words_of_half = [w for _, words in [*codes, *_cells(grid, half, row, "name")] for w in words] + amounts
    band_quote = quote(words_of_half)
    evidence = amount_evidence(amounts[0], page, region.unit)
    text = normalise(label + name)
    where = f"T6 p{page} '{band_quote}'"
    if len(amounts) > 1:
        result.problems.append(f"{where}: {len(amounts)} numbers in one cell")
    if "合计" in text and not code:
        item = "personnel_total" if "人员" in text else "public_funds_total" if "公用" in text else "total"
        fund = "general_public_budget"
        result.add("raw_table_totals", _total_row(region, fund, item, "actual_total", evidence, section))
    elif re.fullmatch(r"\d{3}(\d{2})?", code):
        row_out: Row = {
            "table_code": region.table_code,
            "economic_code": code,
            "economic_name": name,
            "cost_group_printed": group,
            "measure": "actual_total",
            "source_section": section,
            "source_quote": band_quote,
            "transcription_note": "",
            **evidence,
        }
        result.add("raw_economic_lines", row_out)
    else:
        result.problems.append(f"{where}: {amounts[0].text} on a line with no economic code")


# ---------------------------------------------------------------- T7: the 三公 table


def read_three_public_table(region: TableRegion, source_section: str) -> TableResult:
    result = TableResult()
    grids = grids_of(region)
    columns = _three_public_columns(grids[0])
    result.columns_printed = sorted({c.key.split(":")[1] for c in columns if c.key}, key=_measure_order)
    for piece, grid in zip(region.slices, grids, strict=True):
        for row in range(len(grid.rows)):
            for column, words in _cells(grid, columns, row, "amount"):
                for word in (w for w in words if is_amount(w.text)):
                    _three_public_cell(
                        result, region, column, word, grid, row, piece.page.number, source_section
                    )
    if result.amount_count == 0:
        result.empty_note = note_text(region, grids)
    return result


def _measure_order(measure: str) -> int:
    return ["budget_initial", "budget_full_year", "actual_total"].index(measure)


def _three_public_columns(grid: Grid) -> list[Column]:
    """Group the 预算数 / 决算数 columns under the item header printed above the group."""
    texts = header_texts(grid)
    measures = [first_match(t[-6:], MEASURE_PATTERNS) for t in texts]
    groups: list[list[int]] = []
    for index, measure in enumerate(measures):
        if not measure:
            continue
        starts_group = not groups or (
            measure != "actual_total" and measures[groups[-1][-1]] == "actual_total"
        )
        if starts_group:
            groups.append([index])
        else:
            groups[-1].append(index)
    columns = [Column(interval, "other", text) for interval, text in zip(grid.columns, texts, strict=True)]
    for group in groups:
        item_text = THREE_PUBLIC_SPANNING.sub("", "".join(_strip_measure_words(texts[i]) for i in group))
        item = first_match(item_text, THREE_PUBLIC_PATTERNS)
        for index in group:
            key = f"{item}:{measures[index]}" if item else ""
            columns[index] = Column(grid.columns[index], "amount", item_text or "合计", key)
    return columns


def _strip_measure_words(text: str) -> str:
    return re.sub(r"(年初|全年)?预算数|决算数", "", text)


def _three_public_cell(
    result: TableResult,
    region: TableRegion,
    column: Column,
    word: Word,
    grid: Grid,
    row: int,
    page: int,
    section: str,
) -> None:
    if not column.key:
        result.problems.append(f"T7 p{page}: {word.text} under a column not recognised ({column.header!r})")
        return
    item, measure = column.key.split(":")
    row_out: Row = {
        "table_code": region.table_code,
        "item_code": item,
        "item_name": column.header,
        "measure": measure,
        "source_section": section,
        "source_quote": quote(grid.band(row)),
        "transcription_note": "",
        **amount_evidence(word, page, region.unit),
    }
    result.add("raw_three_public_expenses", row_out)


# ---------------------------------------------------------------- T1 and T4: the summary tables


@dataclass
class _SideState:
    line_no: int = 0
    carry_item: str = ""  # inside a per-fund carry-over block: carry_forward_begin / carry_forward_end


def read_summary_table(region: TableRegion, source_section: str) -> TableResult:
    result = TableResult()
    grids = grids_of(region)
    columns = _summary_columns(grids[0], region.table_code)
    labels = [i for i, c in enumerate(columns) if c.role == "label"]
    split = labels[1] if len(labels) > 1 else len(columns)
    sides = (("income", columns[:split]), ("expenditure", columns[split:]))
    states = {"income": _SideState(), "expenditure": _SideState()}
    result.columns_printed = _summary_columns_printed(region.table_code, columns[split:] or columns)
    for piece, grid in zip(region.slices, grids, strict=True):
        for row in range(len(grid.rows)):
            for side, side_columns in sides:
                _summary_row(result, region, grid, side_columns, row, piece.page.number, side, states[side])
    for rows in result.rows.values():
        for row_out in rows:
            row_out["source_section"] = source_section
    if result.amount_count == 0:
        result.empty_note = note_text(region, grids)
    return result


def _summary_columns_printed(table_code: str, columns: list[Column]) -> list[str]:
    if table_code == "T1":
        return ["actual_total"]
    return [c.key for c in columns if c.role == "amount" and c.key]


def _summary_columns(grid: Grid, table_code: str) -> list[Column]:
    columns: list[Column] = []
    for index, interval in enumerate(grid.columns):
        header = _header_only(grid, index)
        if "项目" in header or "科目" in header:
            columns.append(Column(interval, "label", header))
        else:
            key = "all_funds" if table_code == "T1" else first_match(header, FUND_PATTERNS)
            columns.append(Column(interval, "amount", header, key))
    return columns


def _summary_row(
    result: TableResult,
    region: TableRegion,
    grid: Grid,
    columns: list[Column],
    row: int,
    page: int,
    side: str,
    state: _SideState,
) -> None:
    label_words = [w for _, words in _cells(grid, columns, row, "label") for w in words]
    label = "".join(join_cell(words) for _, words in _cells(grid, columns, row, "label"))
    amounts = [
        (c, w) for c, words in _cells(grid, columns, row, "amount") for w in words if is_amount(w.text)
    ]
    compact = normalise(label)
    if not compact or compact in ("项目", "收入", "支出") or (compact.startswith("项目") and not amounts):
        return
    state.line_no += 1
    item, function_code, fund_override = _summary_item(compact, side, state)
    band_quote = quote(label_words + [w for _, w in amounts])
    for column, word in amounts:
        fund = fund_override or column.key
        if not fund or not item or (item == "function" and not function_code):
            what = "column" if not fund else "line name"
            result.problems.append(
                f"{region.table_code} p{page} '{band_quote}': {word.text}, {what} not recognised"
            )
            continue
        row_out: Row = {
            "table_code": region.table_code,
            "side": side,
            "line_no": str(state.line_no),
            "item_code": item,
            "function_code": function_code,
            "item_name": label,
            "fund_type": fund,
            "measure": "actual_total",
            "transcription_note": "",
            **amount_evidence(word, page, region.unit),
        }
        result.add("raw_summary_lines", row_out)


def _summary_item(compact: str, side: str, state: _SideState) -> tuple[str, str, str]:
    """(item_code, function_code, fund of a per-fund carry-over line or "") of a printed line."""
    bare = NUMBERING.sub("", compact)
    if state.carry_item and NUMBERING.match(compact):
        fund = first_match(bare, FUND_LINES)
        if fund:
            return state.carry_item, "", fund
    state.carry_item = ""
    items = INCOME_ITEMS if side == "income" else EXPENDITURE_ITEMS
    item = first_match(bare, items)
    if item in ("carry_forward_begin", "carry_forward_end"):
        state.carry_item = item
    if item:
        return item, "", ""
    if side == "income":
        return "", "", ""
    return "function", function_class_codes().get(bare, ""), ""
