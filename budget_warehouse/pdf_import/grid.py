"""Rows and columns of a table on one page: from its ruling lines, or from word positions when unruled.

Cells are found by where each word's centre falls, so wrapped names, codes split into 类 / 款 / 项 columns
and numbers set a few points below the text of the same row all land in the same cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from budget_warehouse.pdf_import.find_tables import PageSlice
from budget_warehouse.pdf_import.read_pdf import EDGE_MERGE, Word, cluster_lines

AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
NOTE_START = re.compile("^(注|说明)[:\uff1a]")
MIN_BAND = 3.0

Interval = tuple[float, float]


@dataclass
class Grid:
    columns: list[Interval]
    rows: list[Interval]
    words: list[Word]  # the words inside the table's box (title, unit line and notes left out)

    def column_of(self, word: Word) -> int | None:
        return _index_of(word.x_center, self.columns)

    def cell(self, row: int, column: int) -> list[Word]:
        top, bottom = self.rows[row]
        x0, x1 = self.columns[column]
        return [w for w in self.words if top <= w.y_center < bottom and x0 <= w.x_center < x1]

    def band(self, row: int) -> list[Word]:
        top, bottom = self.rows[row]
        return [w for w in self.words if top <= w.y_center < bottom]


def _index_of(value: float, intervals: list[Interval]) -> int | None:
    for index, (low, high) in enumerate(intervals):
        if low <= value < high:
            return index
    return None


def merge_positions(values: list[float]) -> list[float]:
    merged: list[float] = []
    for value in sorted(values):
        if merged and value - merged[-1] <= EDGE_MERGE:
            continue
        merged.append(value)
    return merged


def bands(positions: list[float]) -> list[Interval]:
    return [(a, b) for a, b in pairwise(positions) if b - a >= MIN_BAND]


def is_amount(text: str) -> bool:
    return bool(AMOUNT.match(text))


def _ruled_extent(piece: PageSlice) -> tuple[list[float], list[float]]:
    page = piece.page
    ys = [e.y for e in page.horizontal_edges if piece.top - 1 <= e.y <= piece.bottom + 1 and e.x1 - e.x0 > 5]
    xs = [
        e.x
        for e in page.vertical_edges
        if e.bottom > piece.top and e.top < piece.bottom and e.bottom - e.top > MIN_BAND
    ]
    return merge_positions(xs), merge_positions(ys)


def build_grid(piece: PageSlice, columns: list[Interval] | None = None) -> Grid:
    """The grid of a table slice; columns may come from the table's first page (a continuation page)."""
    xs, ys = _ruled_extent(piece)
    if len(ys) >= 2 and len(xs) >= 2:
        top, bottom = ys[0], ys[-1]
        words = [w for w in piece.page.words if top <= w.y_center < bottom and xs[0] <= w.x_center < xs[-1]]
        return Grid(columns or bands(xs), bands(ys), words)
    return _unruled_grid(piece, columns)


def _unruled_grid(piece: PageSlice, columns: list[Interval] | None) -> Grid:
    """No ruling lines: rows are printed lines (clustered by y), columns the gaps in the x projection."""
    lines = [
        line
        for line in cluster_lines([w for w in piece.page.words if piece.top <= w.y_center < piece.bottom])
        if not NOTE_START.match(line[0].text) and "单位" not in line[0].text
    ]
    words = [w for line in lines for w in line]
    rows = [(min(w.top for w in line) - 0.5, max(w.bottom for w in line) + 0.5) for line in lines]
    return Grid(columns or _projection_columns(words), rows, words)


def _projection_columns(words: list[Word]) -> list[Interval]:
    spans: list[list[float]] = []
    for low, high in sorted((w.x0, w.x1) for w in words):
        if spans and low <= spans[-1][1] + 2:
            spans[-1][1] = max(spans[-1][1], high)
        else:
            spans.append([low, high])
    return [(a - 1, b + 1) for a, b in spans]


def join_cell(words: list[Word]) -> str:
    """A cell's text as printed: its lines top to bottom, letter-spaced characters joined."""
    return "".join(w.text for line in cluster_lines(words, tolerance=3.0) for w in line)


def quote(words: list[Word]) -> str:
    return " ".join(w.text for line in cluster_lines(words) for w in line)
