"""Stage 2: find the standard tables by their printed titles and the pages each one spans.

A table starts at its title (matched against the alias list, never a page number) and continues on the
following pages until the next table title, any other table (a title ending in 表 with a 单位 line:
机关运行经费, 政府采购 ... tables are recognised and skipped) or a part heading (第三部分 ...); blank pages
in between are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budget_warehouse.pdf_import.read_pdf import Document, Page, Word, line_text
from budget_warehouse.pdf_import.reference import normalise, title_aliases

PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+部分")
UNIT_LINE = re.compile("单位[:\uff1a]\\s*(万元|元)")  # ASCII or full-width colon
# A title printed with its own numbering (一、收入支出决算总表) is a table of contents entry or a heading.
NUMBERED = re.compile("^[一二三四五六七八九十]+[、.\uff0e]|^\\d+[、.\uff0e]")
MAX_TITLE_LENGTH = 40


@dataclass
class PageSlice:
    """The part of one page a table occupies, from just below its title (or the page top) down."""

    page: Page
    top: float
    bottom: float


@dataclass
class TableRegion:
    table_code: str  # T1..T9, or "" for a table that is not a standard one (skipped)
    title_printed: str
    unit: str
    slices: list[PageSlice] = field(default_factory=list)

    @property
    def page_first(self) -> int:
        return self.slices[0].page.number

    @property
    def page_last(self) -> int:
        return self.slices[-1].page.number


@dataclass(frozen=True)
class Title:
    table_code: str
    text: str
    top: float
    bottom: float


def match_title(text: str) -> str | None:
    """The table code of a title line, the longest alias winning (财政拨款收入支出决算总表 is not T1)."""
    compact = normalise(text)
    if not compact or len(compact) > MAX_TITLE_LENGTH or NUMBERED.match(compact):
        return None
    best: tuple[int, str] | None = None
    for alias, code in title_aliases().items():
        if compact.endswith(alias) and (best is None or len(alias) > best[0]):
            best = (len(alias), code)
    return best[1] if best else None


def page_unit(page: Page) -> str:
    for line in page.lines():
        found = UNIT_LINE.search(normalise(line_text(line, "")))
        if found:
            return found.group(1)
    return ""


def _titles_on(page: Page) -> list[Title]:
    has_unit_line = bool(page_unit(page))
    titles: list[Title] = []
    for line in page.lines():
        text = line_text(line, "")
        code = match_title(text)
        if code is None and has_unit_line and _looks_like_other_table(text):
            code = ""
        if code is not None and has_unit_line:
            titles.append(Title(code, _printed(line), min(w.top for w in line), max(w.bottom for w in line)))
    return titles


def _printed(line: list[Word]) -> str:
    return normalise(line_text(line, ""))


def _looks_like_other_table(text: str) -> bool:
    compact = normalise(text)
    return (
        compact.endswith("表")
        and len(compact) <= MAX_TITLE_LENGTH
        and not NUMBERED.match(compact)
        and not PART_HEADING.match(compact)
        and "部门决算表" not in compact
    )


def _part_heading_top(page: Page) -> float | None:
    for line in page.lines():
        if PART_HEADING.match(normalise(line_text(line, ""))):
            return min(w.top for w in line)
    return None


def find_tables(document: Document) -> list[TableRegion]:
    """Every table in print order, standard (T1..T9) or not ("" code, to be skipped)."""
    regions: list[TableRegion] = []
    current: TableRegion | None = None
    for page in document.pages:
        if not page.words:
            continue  # a blank page does not end a table
        titles = _titles_on(page)
        heading_top = _part_heading_top(page)
        first_title_top = titles[0].top if titles else page.height
        if current is not None:
            end = min(first_title_top, heading_top if heading_top is not None else page.height)
            if end > 0 and _has_words_above(page, end):
                current.slices.append(PageSlice(page, 0.0, end))
            if titles or heading_top is not None:
                current = None
        for index, title in enumerate(titles):
            bottom = titles[index + 1].top if index + 1 < len(titles) else page.height
            if heading_top is not None and title.top < heading_top < bottom:
                bottom = heading_top
            current = TableRegion(title.table_code, title.text, page_unit(page))
            current.slices.append(PageSlice(page, title.bottom, bottom))
            regions.append(current)
        if heading_top is not None and (not titles or heading_top > titles[-1].top):
            current = None
    return regions


def _has_words_above(page: Page, end: float) -> bool:
    return any(w.y_center < end for w in page.words)
