"""Lines and paragraphs of running text, rebuilt from character positions.

Numbers set in another font sit up to about 8 pt below the Chinese text of their printed line, so a plain
text dump moves them to a line of their own. Characters are clustered by their top (tolerance ~6 pt); a
cluster holding only figures (digits, points, commas, %) that lies just below a line and within its width is
merged into it, every character then in x order: each number falls into the gap left for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

LINE_TOLERANCE = 6.0
# A figures-only cluster this far below a line of text belongs to it.
FLOATING_FIGURES_GAP = 10.0
# A line starting this far right of the paragraph margin starts a paragraph (first-line indent).
INDENT = 4.0
FIGURE_CHARS = re.compile(r"^[0-9.,%\uff05\-]+$")  # \uff05: the full-width percent sign


@dataclass(frozen=True)
class Char:
    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Line:
    page: int
    chars: list[Char]

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)


@dataclass
class Paragraph:
    """Consecutive lines of one paragraph: its text and, per character, where it is printed."""

    chars: list[Char] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def page(self) -> int:
        return self.chars[0].page

    def bbox(self, start: int = 0, end: int | None = None) -> tuple[int, str]:
        """The page and box (`x0 top x1 bottom`) of characters start..end, on the page of the first one."""
        span = self.chars[start : len(self.chars) if end is None else end] or self.chars[:1]
        page = span[0].page
        on_page = [c for c in span if c.page == page]
        return page, (
            f"{min(c.x0 for c in on_page):.1f} {min(c.top for c in on_page):.1f} "
            f"{max(c.x1 for c in on_page):.1f} {max(c.bottom for c in on_page):.1f}"
        )


def _clusters(chars: list[Char]) -> list[list[Char]]:
    clusters: list[list[Char]] = []
    anchor = -1e9
    for char in sorted(chars, key=lambda c: (c.top, c.x0)):
        if clusters and char.top - anchor <= LINE_TOLERANCE:
            clusters[-1].append(char)
        else:
            clusters.append([char])
            anchor = char.top
    return clusters


def rebuild_lines(chars: list[Char]) -> list[Line]:
    """The page's printed lines: figures that float below a line are put back into it."""
    merged: list[list[Char]] = []
    for cluster in _clusters(chars):
        text = "".join(c.text for c in cluster)
        if merged and FIGURE_CHARS.match(text):
            above = merged[-1]
            gap = min(c.top for c in cluster) - min(c.top for c in above)
            inside = min(c.x0 for c in above) - 1 <= min(c.x0 for c in cluster)
            inside = inside and max(c.x1 for c in cluster) <= max(c.x1 for c in above) + 1
            if gap <= FLOATING_FIGURES_GAP + LINE_TOLERANCE and inside:
                above.extend(cluster)
                continue
        merged.append(cluster)
    return [Line(cluster[0].page, sorted(cluster, key=lambda c: c.x0)) for cluster in merged]


def read_page_lines(path: Path, pages: list[int]) -> dict[int, list[Line]]:
    """The rebuilt lines of the given pages (1-based), blanks dropped."""
    result: dict[int, list[Line]] = {}
    with pdfplumber.open(path) as pdf:
        for number in pages:
            raw = pdf.pages[number - 1]
            chars = [
                Char(
                    str(c["text"]),
                    number,
                    float(c["x0"]),
                    float(c["top"]),
                    float(c["x1"]),
                    float(c["bottom"]),
                )
                for c in raw.chars
                if str(c["text"]).strip()
            ]
            result[number] = rebuild_lines(chars)
    return result


def paragraphs(lines: list[Line], margin: float, heading: re.Pattern[str] | None = None) -> list[Paragraph]:
    """Lines joined into paragraphs: a line indented past the margin starts a new one, and a heading (a line
    matching `heading`) is a paragraph of its own."""
    result: list[Paragraph] = []
    after_heading = False
    for line in lines:
        is_heading = bool(heading and heading.match(line.text))
        if not result or line.x0 > margin + INDENT or is_heading or after_heading:
            result.append(Paragraph())
        result[-1].chars.extend(line.chars)
        after_heading = is_heading
    return [p for p in result if p.chars]
