"""Stage 3b: read 第三部分 情况说明 — every figure of the text, what it computes, and the text itself.

Written for the kind of document (the national / Shanghai 部门决算 template wording), not one file:
each number of the part is either a figure (raw_narrative_figures, with its page and box) or a number of a
kind that is not a figure (a list number, a year, a date, a price threshold), so that nothing printed is
silently skipped. The subject of a figure is the last subject named before it in its sentence, else the
one before.

The template's full-width punctuation (brackets, colon, percent, comma, semicolon, point) is what is matched:
the patterns write it as unicode escapes, as find_tables does, so that it cannot be mistaken for ASCII.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from budget_warehouse.pdf_import.narrative_lines import Line, Paragraph, paragraphs, read_page_lines
from budget_warehouse.pdf_import.read_cells import Row
from budget_warehouse.pdf_import.read_pdf import Document, Word, line_text
from budget_warehouse.pdf_import.reference import function_class_codes, function_code_of_path, normalise

PART_THREE = re.compile(r"^第三部分")
PART_FOUR = re.compile(r"^第四部分")
PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+部分")
SECTION = re.compile(r"^([一二三四五六七八九十]+)、")
SUBSECTION = re.compile(r"^\uff08([一二三四五六七八九十]+)\uff09")
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|\uff08[一二三四五六七八九十]+\uff09)")
# Not subjects: what a line is used for (主要用于 ...) and notes in brackets (不含车辆, 以合同签订为准).
NOT_SUBJECT = re.compile(r"主要用于[:\uff1a][^。]*。?|\uff08(?:不含|含|以)[^\uff09]*\uff09")
NUMBER = re.compile(r"(?<![\d.])\d[\d,]*(?:\.\d+)?")
UNIT = re.compile(r"^(万元|亿元|元|%|\uff05|台\uff08套\uff09|人次|批次|个|人|辆|台|套|次|户|分|项|年|月|日)")
COUNT_UNITS = {"个", "人", "辆", "台\uff08套\uff09", "台", "套", "次", "人次", "批次", "户", "项"}
SENTENCE_END = re.compile(r"[。\uff1b;]")
FIGURE_UNITS = {"万元", "亿元", "元", "%", "\uff05"} | COUNT_UNITS
TABLE_HEADER = re.compile(r"^(编制单位|编报单位|部门|单位)[:\uff1a]")
COVER_PAGES = 1

# Subjects by the name printed before a figure (normalised: no quotes, no spaces). Longer names win ties.
SUBJECTS: dict[str, tuple[str, str]] = {
    "收入支出总计": ("total", "income_expenditure_grand_total"),
    "收、支总计": ("total", "income_expenditure_grand_total"),
    "财政拨款收入支出总计": ("total", "fiscal_appropriation_grand_total"),
    "财政拨款收支总计": ("total", "fiscal_appropriation_grand_total"),
    "本年收入合计": ("total", "current_year_income_total"),
    "本年支出合计": ("total", "current_year_expenditure_total"),
    "财政拨款收入": ("item", "fiscal_appropriation_income"),
    "一般公共预算财政拨款收入": ("item", "fiscal_appropriation_general"),
    "政府性基金预算财政拨款收入": ("item", "fiscal_appropriation_gov_fund"),
    "国有资本经营预算财政拨款收入": ("item", "fiscal_appropriation_state_capital"),
    "上级补助收入": ("item", "superior_subsidy"),
    "事业收入": ("item", "business_income"),
    "经营收入": ("item", "operating_income"),
    "附属单位上缴收入": ("item", "affiliated_remittance"),
    "其他收入": ("item", "other_income"),
    "基本支出": ("item", "basic_expenditure"),
    "项目支出": ("item", "project_expenditure"),
    "上缴上级支出": ("item", "remit_to_superior"),
    "经营支出": ("item", "operating_expenditure"),
    "对附属单位补助支出": ("item", "subsidy_to_affiliates"),
    "一般公共预算财政拨款支出": ("total", "general_budget_expenditure"),
    "一般公共预算财政拨款基本支出": ("item", "basic_expenditure"),
    "政府性基金预算财政拨款支出": ("total", "gov_fund_expenditure"),
    "国有资本经营预算财政拨款支出": ("total", "state_capital_expenditure"),
    "人员经费": ("item", "personnel_cost"),
    "公用经费": ("item", "public_cost"),
    "机关运行经费": ("total", "admin_operating_cost"),
    "三公经费": ("three_public", "three_public_total"),
    "因公出国\uff08境\uff09费": ("three_public", "overseas_travel"),
    "公务用车购置及运行维护费": ("three_public", "vehicle_total"),
    "公务用车购置费": ("three_public", "vehicle_purchase"),
    "公务用车运行维护费": ("three_public", "vehicle_operation"),
    "公务接待费": ("three_public", "official_reception"),
    "政府采购金额": ("total", "procurement_total"),
    "政府采购支出总额": ("total", "procurement_total"),
    "货物采购金额": ("item", "procurement_goods"),
    "工程采购金额": ("item", "procurement_works"),
    "服务采购金额": ("item", "procurement_services"),
    "面向中小企业预留政府采购项目预算金额": ("item", "procurement_sme_reserved"),
    "面向小微企业预留政府采购项目预算金额": ("item", "procurement_micro_small_reserved"),
    "面向中小企业预留的政府采购项目中": ("item", "procurement_sme_awarded_reserved"),
    "面向小微企业预留政府采购项目中": ("item", "procurement_micro_small_awarded_reserved"),
    "其他政府采购项目中": ("item", "procurement_sme_awarded_other"),
    "车辆": ("count", "vehicles_total"),
    "部级领导干部用车": ("count", "vehicles_minister"),
    "主要领导干部用车": ("count", "vehicles_leader"),
    "机要通信用车": ("count", "vehicles_confidential"),
    "应急保障用车": ("count", "vehicles_emergency"),
    "执法执勤用车": ("count", "vehicles_law_enforcement"),
    "特种专业技术用车": ("count", "vehicles_special_tech"),
    "离退休干部用车": ("count", "vehicles_retired_cadres"),
    "其他用车": ("count", "vehicles_other"),
    "以上设备": ("count", "equipment_over_1m"),
    "以上通用设备": ("count", "equipment_general_over_500k"),
    "以上专用设备": ("count", "equipment_special_over_1m"),
    "编报绩效目标的": ("count", "projects_with_targets"),
    "编制绩效目标的": ("count", "projects_with_targets"),
    "绩效跟踪评价的": ("count", "projects_monitored"),
    "绩效监控的": ("count", "projects_monitored"),
    "绩效自评的": ("count", "projects_self_evaluated"),
    "平均得分": ("item", "self_eval_average_score"),
    "绩效评级为优的项目": ("count", "projects_grade_excellent"),
    "绩效评级为良的项目": ("count", "projects_grade_good"),
    "绩效评级为合格的项目": ("count", "projects_grade_pass"),
    "绩效评级为不合格的项目": ("count", "projects_grade_fail"),
    "发现问题": ("count", "eval_problems_found"),
    "完成整改的": ("count", "eval_problems_rectified"),
    "正在整改的": ("count", "eval_problems_rectifying"),
    "因公出国\uff08境\uff09团组": ("count", "overseas_groups"),
    "购置公务用车": ("count", "vehicles_purchased"),
    "公务用车保有量": ("count", "official_vehicles_total"),
    "国内公务接待": ("count", "reception_domestic_batches"),
    "外事接待": ("count", "reception_foreign_batches"),
}
# A count printed in 人次 after a subject counted in groups or batches.
PERSON_TIMES = {
    "overseas_groups": "overseas_people",
    "reception_domestic_batches": "reception_domestic_persons",
    "reception_foreign_batches": "reception_foreign_persons",
}
# Denominators of shares: the total named after 占, else the section's.
SHARE_DENOMINATORS = {
    "本年收入合计": "current_year_income_total",
    "本年支出合计": "current_year_expenditure_total",
    "一般公共预算财政拨款支出": "general_budget_expenditure",
    "基本支出": "basic_expenditure",
}
# within one clause: no comma, full stop, semicolon, colon or list comma before the bracketed level
_CLAUSE = r"[^\uff0c。\uff1b\uff1a、]*?"
FUNCTION_NAMES = re.compile(
    rf"{_CLAUSE}\uff08类\uff09(?:{_CLAUSE}\uff08款\uff09)?(?:{_CLAUSE}\uff08项\uff09)?"
)
BUDGET_WORD = re.compile(r"(年初|全年)?预算(?:数)?(?:为|是)$")
ACTUAL_WORD = re.compile(r"(?:支出)?决算(?:数)?(?:为|是)$")
CHANGE_AMOUNT = re.compile(r"(增加|减少|增长|下降)$")
COMPLETION = re.compile(r"完成(年初|全年)?预算(?:数)?的$")
SHARE = re.compile(r"占(.*?)(?:的|比重为|比例为)?$")
DIRECTION_VS_BUDGET = re.compile(
    r"决算数?(?:(大于|小于|等于|高于|低于)(年初|全年)?预算数?|与(年初|全年)?预算数?(基本持平|持平|相等|一致))"
)
FLAT = re.compile(r"^(.*?)(?:决算数?)?(?:与\d{4}年度?)?(基本持平|持平)")
FLAT_SENTENCE = re.compile(r"[^。\uff1b\uff0c\uff1a]*?(?:与|比)(\d{4})年度?(?:相比\uff0c)?[^。\uff1b]*?持平")
COMPARISON_YEAR = re.compile(r"(?:与|比|较)(\d{4})年")


@dataclass
class NonFigure:
    """A number of the text that is not a figure, and why."""

    text: str
    kind: str
    page: int


@dataclass
class NarrativeResult:
    figures: list[Row] = field(default_factory=list)
    calculations: list[Row] = field(default_factory=list)
    texts: list[Row] = field(default_factory=list)
    non_figures: list[NonFigure] = field(default_factory=list)
    part_text: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass
class _Section:
    name: str
    number: int
    figures: list[Row] = field(default_factory=list)


def _part_bounds(document: Document) -> tuple[int, int] | None:
    """The pages of 第三部分: from its last heading (the table of contents names it too) to 第四部分."""
    starts = [
        page.number
        for page in document.pages
        for line in page.lines()
        if PART_THREE.match(normalise(line_text(line, ""))) and "情况" in line_text(line, "")
    ]
    if not starts:
        return None
    first = starts[-1]
    last = document.pages[-1].number
    for page in document.pages:
        if page.number > first and any(PART_FOUR.match(normalise(line_text(x, ""))) for x in page.lines()):
            last = page.number
            break
    return first, last


def _part_lines(path: Path, first: int, last: int) -> list[Line]:
    by_page = read_page_lines(path, list(range(first, last + 1)))
    lines: list[Line] = []
    started = False
    for number in range(first, last + 1):
        for line in by_page[number]:
            text = normalise(line.text)
            if PART_THREE.match(text):
                started = True
                lines = [line]
                continue
            if started and PART_FOUR.match(text):
                return lines
            if started:
                lines.append(line)
    return lines


def read_narrative(document: Document) -> NarrativeResult:
    result = NarrativeResult()
    result.texts.extend(_document_texts(document))
    bounds = _part_bounds(document)
    if bounds is None:
        result.problems.append("第三部分 情况说明 not found")
        return result
    lines = _part_lines(document.path, *bounds)
    body = [line for line in lines if not PART_THREE.match(normalise(line.text))]
    # the part heading may wrap (… 情况 / 2024 / 说明): everything before the first section heading
    first_section = next((i for i, line in enumerate(body) if SECTION.match(line.text)), 0)
    title_lines = [lines[0], *body[:first_section]] if lines else []
    if title_lines:
        _add_text(result, "heading", "第三部分", _joined(title_lines))
    margin = min((line.x0 for line in body), default=0.0)
    paras = paragraphs(body[first_section:], margin, HEADING)
    result.part_text = "".join(p.text for p in paras)
    sections: list[_Section] = []
    level1 = ""
    level1_number = ""
    for para in paras:
        text = para.text
        top = SECTION.match(text)
        sub = SUBSECTION.match(text)
        if top:
            level1, level1_number = text, top.group(1)
            sections.append(_Section(f"第三部分 {text.rstrip('。')}", len(sections) + 1))
            _add_text(result, "heading", sections[-1].name, para)
            _non_figures_only(result, para)
            continue
        if sub and level1:
            name = f"第三部分 {level1_number}({sub.group(1)}) {text[sub.end() :].rstrip('。')}"
            sections.append(_Section(name, len(sections) + 1))
            _add_text(result, "heading", name, para)
            _non_figures_only(result, para)
            continue
        if not sections:
            sections.append(_Section("第三部分", 1))
        _add_text(result, "sentence", sections[-1].name, para)
        _read_paragraph(result, sections[-1], para)
    return result


def _joined(lines: list[Line]) -> Paragraph:
    para = Paragraph()
    for line in lines:
        para.chars.extend(line.chars)
    return para


def _add_text(result: NarrativeResult, kind: str, section: str, para: Paragraph) -> None:
    page, bbox = para.bbox()
    result.texts.append(
        {
            "text_id": f"X{len(result.texts) + 1:03d}",
            "text_kind": kind,
            "section": section,
            "page": str(page),
            "bbox": bbox,
            "text_printed": para.text,
        }
    )


def _non_figures_only(result: NarrativeResult, para: Paragraph) -> None:
    for match in NUMBER.finditer(para.text):
        unit = UNIT.match(para.text[match.end() :])
        kind = "year" if unit and unit.group(1) == "年" else "heading number"
        result.non_figures.append(NonFigure(match.group(0), kind, para.page))


def _document_texts(document: Document) -> list[Row]:
    """The title (the cover), the part headings of the body and the tables' header lines (编制单位, 单位)."""
    rows: list[Row] = []
    cover = [line for page in document.pages[:COVER_PAGES] for line in page.lines()]
    if cover:
        words = [w for line in cover for w in line]
        rows.append(_word_row("title", "封面", document.pages[0].number, words))
    for page in document.pages[COVER_PAGES:]:
        lines = page.lines()
        if any(normalise(line_text(line, "")) == "目录" for line in lines):
            continue
        for line in lines:
            text = normalise(line_text(line, ""))
            if PART_HEADING.match(text) and not PART_THREE.match(text):
                rows.append(_word_row("heading", text[:4], page.number, line))
            elif TABLE_HEADER.match(text) and len(text) < 60:
                rows.append(_word_row("table_header", "", page.number, line))
    for index, row in enumerate(rows):
        row["text_id"] = f"D{index + 1:03d}"
    return rows


def _word_row(kind: str, section: str, page: int, words: list[Word]) -> Row:
    typed = words
    bbox = (
        f"{min(w.x0 for w in typed):.1f} {min(w.top for w in typed):.1f} "
        f"{max(w.x1 for w in typed):.1f} {max(w.bottom for w in typed):.1f}"
    )
    return {
        "text_id": "",
        "text_kind": kind,
        "section": section,
        "page": str(page),
        "bbox": bbox,
        "text_printed": "".join(w.text for w in typed),
    }


def _subject_in(gap: str) -> tuple[str, str, str] | None:
    """The last subject named in the text before a figure: (type, code, name printed)."""
    bare = normalise(gap).replace("、", "、")
    best: tuple[int, int, str] | None = None
    for name in SUBJECTS:
        at = bare.rfind(name)
        if at >= 0:
            key = (at + len(name), len(name), name)
            if best is None or key[:2] > best[:2]:
                best = key
    function = _function_in(bare)
    if function and (best is None or function[2] >= best[0]):
        return "function", function[0], function[1]
    if best is None:
        return None
    subject_type, code = SUBJECTS[best[2]]
    return subject_type, code, best[2]


def _function_in(text: str) -> tuple[str, str, int] | None:
    """A functional code printed as name (类) name (款) name (项), brackets full-width: (code, name, end)."""
    found: tuple[str, str, int] | None = None
    for match in FUNCTION_NAMES.finditer(text):
        parts = re.findall(r"(.+?)\uff08(类|款|项)\uff09", match.group(0))
        names = [re.sub(r"^[\d、.]+|^其中|^主要用于以下方面", "", name) for name, _ in parts]
        code = function_code_of_path(names) if len(names) > 1 else function_class_codes().get(names[0], "")
        if not code and len(names) == 1:
            code = function_class_codes().get(normalise(names[0]).removesuffix("支出"), "")
        found = (code or "unidentified", names[-1] if names else match.group(0), match.end())
    return found


def _read_paragraph(result: NarrativeResult, section: _Section, para: Paragraph) -> None:
    text = para.text
    subject: tuple[str, str, str] | None = None
    family_code = ""
    budget_kind = ""
    comparison = COMPARISON_YEAR.search(text)
    previous_end = 0
    sentence_start = 0
    budgets: dict[tuple[str, str], str] = {}
    actuals: dict[str, str] = {}
    for match in NUMBER.finditer(text):
        start, end = match.span()
        after = text[end:]
        unit_match = UNIT.match(after)
        unit = unit_match.group(1) if unit_match else ""
        gap = text[previous_end:start]
        boundary = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
        sentence_start = max(sentence_start, boundary)
        kind = _non_figure_kind(text, start, end, unit)
        if kind:
            result.non_figures.append(NonFigure(match.group(0), kind, para.page))
            continue
        previous_end = end + (len(unit) if unit else 0)
        gap_for_subject = NOT_SUBJECT.sub("", re.split(r"占", gap)[0])
        named = _subject_in(gap_for_subject)
        if named:
            subject = named
            family_code = named[1]
        value = match.group(0).replace(",", "")
        metric = "amount"
        denominator = ""
        direction = ""
        note = ""
        code_type, code, name = subject if subject else ("item", "unidentified", "")
        stripped = normalise(gap)
        if unit in {"%", "\uff05"}:
            if (change := CHANGE_AMOUNT.search(stripped)) is not None:
                metric, direction = "change_pct", change.group(1)
            elif (completion := COMPLETION.search(stripped)) is not None:
                metric = "completion_pct"
                declared = completion.group(1)
                denominator = {"年初": "budget_initial", "全年": "budget_full_year"}.get(declared or "", "")
                denominator = denominator or budget_kind or "budget_initial"
            elif (share := SHARE.search(stripped)) is not None:
                metric = "share_pct"
                denominator = SHARE_DENOMINATORS.get(share.group(1), "") or _section_denominator(section.name)
            else:
                metric = "ratio"
        elif unit in COUNT_UNITS:
            metric = "count"
            if unit == "人次" and family_code in PERSON_TIMES:
                code = PERSON_TIMES[family_code]
            code_type = "count"
        elif unit == "分":
            metric = "score"
        elif (change := CHANGE_AMOUNT.search(stripped)) is not None:
            metric, direction = "change_amount", change.group(1)
        elif (budget := BUDGET_WORD.search(stripped)) is not None:
            budget_kind = {"年初": "budget_initial", "全年": "budget_full_year"}.get(
                budget.group(1) or "", ""
            )
            budget_kind = budget_kind or "budget_initial"
            code_type, code = "item", f"{budget_kind}:{code}"
            name = f"{name} {'全年预算' if budget_kind == 'budget_full_year' else '年初预算'}"
        elif "涉及预算金额" in stripped[-8:] and subject:
            code_type, code, name = "item", f"{code}_budget", f"{name} 涉及预算金额"
        if not unit_match or unit not in FIGURE_UNITS | {"分"}:
            note = "printed without a unit"
        figure_id = f"N{section.number:02d}-{len(section.figures) + 1:02d}"
        page, bbox = para.bbox(start, end + len(unit))
        quote = text[sentence_start : min(len(text), end + len(unit) + 4)]
        row: Row = {
            "figure_id": figure_id,
            "section": section.name,
            "subject_type": code_type,
            "subject_code": code,
            "subject_name": name,
            "metric": metric,
            "value": value,
            "unit": "%" if unit == "\uff05" else unit,
            "denominator": denominator,
            "comparison_year": comparison.group(1) if comparison and metric.startswith("change") else "",
            "direction_word": direction,
            "list_is_open": "false",
            "source_quote": quote[-80:],
            "transcription_note": note,
            "page": str(page),
            "bbox": bbox,
        }
        section.figures.append(row)
        result.figures.append(row)
        if metric == "amount" and code.startswith("budget_"):
            budgets[(code.split(":", 1)[0], code.split(":", 1)[1])] = figure_id
        elif metric == "amount":
            actuals[code] = figure_id
        elif metric == "completion_pct":
            budget_id = budgets.get((denominator, code))
            if budget_id and code in actuals:
                _add_calculation(result, section, figure_id, [actuals[code], budget_id], quote, denominator)
    _flat_changes(result, section, para, comparison)
    _direction_vs_budget(result, section, para)


def _section_denominator(section: str) -> str:
    if "收入决算" in section:
        return "current_year_income_total"
    if "结构" in section:
        return "general_budget_expenditure"
    return "current_year_expenditure_total"


def _non_figure_kind(text: str, start: int, end: int, unit: str) -> str:
    before = text[max(0, start - 6) : start]
    if unit == "年" or (end - start == 4 and text[end : end + 1] == "年"):
        return "year"
    if unit in {"月", "日"}:
        return "date"
    if start == 0 and text[end : end + 1] in {"、", ".", "\uff0e"}:
        return "list number"
    if before.endswith("单价") and unit == "万元":
        return "price threshold"
    return ""


def _add_calculation(
    result: NarrativeResult, section: _Section, figure_id: str, operands: list[str], quote: str, kind: str
) -> None:
    result.calculations.append(
        {
            "calculation_id": f"C{len(result.calculations) + 1:02d}",
            "section": section.name,
            "description": f"完成预算% = 决算数 / {_budget_name(kind)}",
            "operation": "ratio_pct",
            "result_figure_id": figure_id,
            "operand_figure_ids": "|".join(operands),
            "constant_factor": "",
            "constant_note": "",
            "list_is_open": "false",
            "source_quote": quote[-80:],
            "transcription_note": "the denominator the text declares",
        }
    )


def _budget_name(kind: str) -> str:
    return "全年预算数" if kind == "budget_full_year" else "年初预算数"


def _flat_changes(result: NarrativeResult, section: _Section, para: Paragraph, comparison: object) -> None:
    """持平 against the prior year with no figure printed: a change of 0 the text states."""
    text = para.text
    for match in FLAT_SENTENCE.finditer(text):
        sentence = match.group(0)
        if re.search(r"\d+(?:\.\d+)?(?:万元|%)", sentence) or "预算数" in sentence:
            continue
        named = _subject_in(re.sub(r"^.*?(?:与|比)\d{4}年度?(?:相比\uff0c)?", "", sentence)) or _subject_in(
            sentence
        )
        if not named:
            continue
        figure_id = f"N{section.number:02d}-{len(section.figures) + 1:02d}"
        page, bbox = para.bbox(match.start(), match.end())
        row: Row = {
            "figure_id": figure_id,
            "section": section.name,
            "subject_type": named[0],
            "subject_code": named[1],
            "subject_name": named[2],
            "metric": "change_amount",
            "value": "0",
            "unit": "万元",
            "denominator": "",
            "comparison_year": match.group(1),
            "direction_word": "持平",
            "list_is_open": "false",
            "source_quote": sentence[-80:],
            "transcription_note": "持平 stated without a figure: a change of 0",
            "page": str(page),
            "bbox": bbox,
        }
        section.figures.append(row)
        result.figures.append(row)


def _direction_vs_budget(result: NarrativeResult, section: _Section, para: Paragraph) -> None:
    """决算数大于 / 小于 / 等于 / 持平 预算数: the word goes on the actual amount it compares, with the
    budget."""
    own = [f for f in section.figures if f["page"] and f in result.figures and _in_para(f, para)]
    for match in DIRECTION_VS_BUDGET.finditer(para.text):
        word = match.group(1) or match.group(4)
        declared = match.group(2) or match.group(3) or ""
        before = para.text[: match.start()]
        sentence = re.split(r"[。\uff1b]", before)[-1]
        named = _subject_in(sentence)
        candidates = [
            f for f in own if f["metric"] == "amount" and not f["subject_code"].startswith("budget_")
        ]
        if named:
            candidates = [f for f in candidates if f["subject_code"] == named[1]] or candidates
        if not candidates:
            continue
        actual = candidates[-1]
        kinds = [f["subject_code"].split(":", 1)[0] for f in own if f["subject_code"].startswith("budget_")]
        kind = {"年初": "budget_initial", "全年": "budget_full_year"}.get(
            declared, kinds[-1] if kinds else ""
        )
        actual["direction_word"] = word
        actual["denominator"] = kind or "budget_initial"


def _in_para(figure: Row, para: Paragraph) -> bool:
    return figure["source_quote"][:6] in para.text
