"""Stage 1: open a PDF and return its words with positions and its ruling lines, page by page.

Everything later works on these plain records, so the other stages never touch pdfplumber.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

# Numbers set in another font sit about 5 pt below the Chinese text of the same printed line.
LINE_TOLERANCE = 6.0
# Ruling lines closer than this are the same line drawn twice (cell borders of neighbouring cells).
EDGE_MERGE = 2.0


class UnreadablePdfError(Exception):
    """The file cannot be read as a text PDF; the message is a one-line reason naming the file."""


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def x_center(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def y_center(self) -> float:
        return (self.top + self.bottom) / 2

    def bbox_text(self) -> str:
        return f"{self.x0:.1f} {self.top:.1f} {self.x1:.1f} {self.bottom:.1f}"


@dataclass(frozen=True)
class VerticalEdge:
    x: float
    top: float
    bottom: float


@dataclass(frozen=True)
class HorizontalEdge:
    y: float
    x0: float
    x1: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word]
    vertical_edges: list[VerticalEdge] = field(default_factory=list)
    horizontal_edges: list[HorizontalEdge] = field(default_factory=list)

    def lines(self, top: float = 0.0, bottom: float | None = None) -> list[list[Word]]:
        """The printed lines between top and bottom, each sorted left to right."""
        limit = self.height if bottom is None else bottom
        inside = [w for w in self.words if top <= w.y_center < limit]
        return cluster_lines(inside)


@dataclass
class Document:
    path: Path
    sha256: str
    pages: list[Page]


def cluster_lines(words: list[Word], tolerance: float = LINE_TOLERANCE) -> list[list[Word]]:
    """Group words into lines by their top; a line is anchored on its first word so lines never chain."""
    lines: list[list[Word]] = []
    anchor = -1e9
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines and word.top - anchor <= tolerance:
            lines[-1].append(word)
        else:
            lines.append([word])
            anchor = word.top
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def line_text(line: list[Word], separator: str = " ") -> str:
    return separator.join(w.text for w in line)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_signature(path: Path) -> None:
    """Reject what is plainly not a PDF before pdfminer tries (and reports it less clearly)."""
    size = path.stat().st_size
    if size == 0:
        raise UnreadablePdfError(f"{path.name}: empty file (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise UnreadablePdfError(f"{path.name}: not a PDF (no %PDF header)")


def _edges(raw_page: pdfplumber.page.Page) -> tuple[list[VerticalEdge], list[HorizontalEdge]]:
    verticals: list[VerticalEdge] = []
    horizontals: list[HorizontalEdge] = []
    for edge in raw_page.edges:
        if edge["orientation"] == "v":
            verticals.append(VerticalEdge(float(edge["x0"]), float(edge["top"]), float(edge["bottom"])))
        else:
            horizontals.append(HorizontalEdge(float(edge["top"]), float(edge["x0"]), float(edge["x1"])))
    return verticals, horizontals


def _page(raw_page: pdfplumber.page.Page, number: int) -> Page:
    words = [
        Word(str(w["text"]), float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]))
        for w in raw_page.extract_words(keep_blank_chars=False, use_text_flow=False)
    ]
    verticals, horizontals = _edges(raw_page)
    return Page(number, float(raw_page.width), float(raw_page.height), words, verticals, horizontals)


def read_document(path: Path) -> Document:
    """Read every page; raise UnreadablePdfError (reason naming the file) for what holds no readable text."""
    check_signature(path)
    sha256 = file_sha256(path)
    try:
        with pdfplumber.open(path) as pdf:
            pages = [_page(raw_page, index + 1) for index, raw_page in enumerate(pdf.pages)]
            image_count = sum(len(raw_page.images) for raw_page in pdf.pages)
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise UnreadablePdfError(
            f"{path.name}: encrypted, a password is needed ({type(error).__name__})"
        ) from error
    except PdfminerException as error:
        cause = error.args[0] if error.args else error
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise UnreadablePdfError(f"{path.name}: encrypted, a password is needed") from error
        raise UnreadablePdfError(f"{path.name}: damaged or truncated PDF ({_short(cause)})") from error
    except Exception as error:  # pdfminer raises many unrelated types on broken files
        raise UnreadablePdfError(f"{path.name}: damaged or truncated PDF ({_short(error)})") from error
    if not pages:
        raise UnreadablePdfError(f"{path.name}: damaged or truncated PDF (no pages)")
    if not any(page.words for page in pages):
        what = "only images, no text layer (a scan?)" if image_count else "no text on any page"
        raise UnreadablePdfError(f"{path.name}: {what}; OCR is not done")
    return Document(path, sha256, pages)


def _short(error: object) -> str:
    text = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else str(error)
    return " ".join(text.split())[:120]
