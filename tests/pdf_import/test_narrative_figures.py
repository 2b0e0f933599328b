"""Every number of 第三部分 情况说明 is accounted for: a figure row with its page and box, or a number of a
listed kind that is not a figure (a year, a date, list numbering, the 100 万元 price threshold).

The numbers are counted from pdfplumber's plain text of the part's pages, independently of the reader's own
line rebuilding: what the reader skipped or invented shows up as a difference of the two counts.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from budget_warehouse.pdf_import.read_narrative import NarrativeResult, read_narrative
from budget_warehouse.pdf_import.read_pdf import read_document

from .conftest import FINANCE, SOCIAL

NUMBER = re.compile(r"(?<![\d.])\d[\d,]*(?:\.\d+)?")
NOT_FIGURES = {"year", "date", "list number", "heading number", "price threshold"}
# a change of 0 the text states in words (与2023年度持平): a figure row without a printed number
FLAT_NOTE = "持平 stated without a figure"


def _part_three_numbers(path: Path) -> Counter[str]:
    """The numbers printed from the last 第三部分 heading (the contents page names it first) to 第四部分."""
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    start = [m.start() for m in re.finditer("第三部分", text)][-1]
    end = text.find("第四部分", start)
    return Counter(number.replace(",", "") for number in NUMBER.findall(text[start:end]))


@pytest.fixture(scope="module", params=[FINANCE, SOCIAL], ids=["finance", "social_work"])
def narrative(request: pytest.FixtureRequest) -> tuple[Path, NarrativeResult]:
    path: Path = request.param
    return path, read_narrative(read_document(path))


def test_every_number_of_part_three_is_a_figure_or_a_listed_kind(
    narrative: tuple[Path, NarrativeResult],
) -> None:
    path, result = narrative
    printed = _part_three_numbers(path)
    figures = Counter(
        row["value"] for row in result.figures if not row["transcription_note"].startswith(FLAT_NOTE)
    )
    others = Counter(item.text.replace(",", "") for item in result.non_figures)
    # the part's own title (第三部分 …2024年度部门决算情况说明) is a text row, not a paragraph of figures
    title = next(row["text_printed"] for row in result.texts if row["section"] == "第三部分")
    in_title = Counter(NUMBER.findall(title))

    accounted = figures + others + in_title
    assert printed - accounted == Counter(), "numbers printed but neither a figure nor a listed kind"
    assert accounted - printed == Counter(), "figures read that the part does not print"
    assert {item.kind for item in result.non_figures} <= NOT_FIGURES
    assert sum(figures.values()) > 80
    assert result.problems == []


def test_each_figure_is_printed_inside_its_box(narrative: tuple[Path, NarrativeResult]) -> None:
    path, result = narrative
    misplaced = []
    with pdfplumber.open(path) as pdf:
        for row in result.figures:
            if row["transcription_note"].startswith(FLAT_NOTE):
                continue
            x0, top, x1, bottom = (float(part) for part in row["bbox"].split())
            page = pdf.pages[int(row["page"]) - 1]
            inside = page.crop((x0 - 0.5, top - 0.5, x1 + 0.5, bottom + 0.5)).chars
            if row["value"] not in "".join(str(char["text"]) for char in inside).replace(",", ""):
                misplaced.append((row["figure_id"], row["value"], row["page"], row["bbox"]))
    assert misplaced == []


def test_the_kinds_that_are_not_figures(narrative: tuple[Path, NarrativeResult]) -> None:
    _, result = narrative
    kinds = Counter(item.kind for item in result.non_figures)
    # 截至2024年12月31日 (vehicles and assets) is a date; 单价100万元(含)以上设备 a threshold, not an amount
    assert kinds["date"] == 2
    assert kinds["price threshold"] == 1
    assert [item.text for item in result.non_figures if item.kind == "price threshold"] == ["100"]
    assert kinds["list number"] >= 9
