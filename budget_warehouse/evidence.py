"""The printed evidence of failing findings: the page region of the PDF, the cell or sentence highlighted.

A finding on an imported document names its file (source_document), page and box (evidence_page,
evidence_bbox: `x0 top x1 bottom` in PDF points, origin top left). The report shows that region as a PNG next
to index.html (`evidence/<finding_id>.png`), rendered offline by pdfplumber through pypdfium2, so a steward
sees why a finding was raised without opening the PDF. The PDF is looked up in the inbox by its file name only
(a name from the data never walks out of the inbox). Images are bounded per run: large runs stay fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pdfplumber

from budget_warehouse.queryable import Queryable
from budget_warehouse.review import Finding, iter_findings

EVIDENCE_DIR = "evidence"
# At most this many images a run, the most severe findings first (the report's order).
MAX_IMAGES = 500
# The band of the page shown: the full width (a table row's name sits far left of its cell), and this much
# above and below the box, in PDF points.
VERTICAL_PADDING = Decimal(48)
RESOLUTION = 110
HIGHLIGHT_FILL = (255, 214, 0, 70)
HIGHLIGHT_STROKE = (214, 39, 40)


@dataclass(frozen=True)
class Box:
    x0: Decimal
    top: Decimal
    x1: Decimal
    bottom: Decimal

    @classmethod
    def parse(cls, text: str | None) -> Box | None:
        """A box as the raw files print it (`x0 top x1 bottom`); None when it is not four numbers."""
        parts = (text or "").split()
        if len(parts) != 4:
            return None
        try:
            x0, top, x1, bottom = (Decimal(part) for part in parts)
        except InvalidOperation:
            return None
        if x1 < x0 or bottom < top:
            return None
        return cls(x0, top, x1, bottom)

    def as_floats(self) -> tuple[float, float, float, float]:
        return float(self.x0), float(self.top), float(self.x1), float(self.bottom)


@dataclass(frozen=True)
class EvidenceImage:
    finding_id: str
    relative_path: str  # from index.html, with forward slashes


def _pdf_in_inbox(inbox: Path, source_document: str | None) -> Path | None:
    if not source_document:
        return None
    name = Path(source_document.replace("\\", "/")).name
    if not name.lower().endswith(".pdf"):
        return None
    candidate = inbox / name
    return candidate if candidate.is_file() else None


def candidates(connection: Queryable, inbox: Path) -> Iterator[Finding]:
    """The failing findings that may have an image, in the report's order: those with a page and a box on a
    PDF the inbox holds (by file name), selected by DuckDB; `render_evidence` takes the first it can draw."""
    names = sorted(path.name for path in inbox.glob("*") if path.name.lower().endswith(".pdf"))
    if not names:
        return iter(())
    # the file name by regexp_replace (DuckDB's regexp_extract is not PostgreSQL's): the same on both
    return iter_findings(
        connection,
        "status = 'fail' and evidence_page is not null and evidence_bbox is not null "
        "and regexp_replace(replace(source_document, '\\', '/'), '^.*/', '') in (select unnest(?))",
        [names],
    )


def render_evidence(
    findings: Iterable[Finding], inbox: Path, run_dir: Path, limit: int = MAX_IMAGES
) -> dict[str, EvidenceImage]:
    """An image per failing finding that has a page and box on a PDF of the inbox, at most `limit`."""
    wanted: dict[Path, list[tuple[Finding, Box]]] = {}
    count = 0
    for finding in findings:
        if count >= limit:
            break
        box = Box.parse(finding.evidence_bbox)
        pdf = _pdf_in_inbox(inbox, finding.source_document)
        if finding.status != "fail" or box is None or pdf is None or not finding.evidence_page:
            continue
        wanted.setdefault(pdf, []).append((finding, box))
        count += 1
    images: dict[str, EvidenceImage] = {}
    if not wanted:
        return images
    out_dir = run_dir / EVIDENCE_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    for pdf_path, items in wanted.items():
        try:
            opened = pdfplumber.open(pdf_path)
        except Exception:  # a PDF that no longer opens leaves its findings without an image, nothing more
            continue
        with opened:
            for finding, box in items:
                target = out_dir / f"{finding.finding_id}.png"
                if _render_one(opened, finding.evidence_page or 0, box, target):
                    images[finding.finding_id] = EvidenceImage(
                        finding.finding_id, f"{EVIDENCE_DIR}/{target.name}"
                    )
    return images


def _render_one(pdf: pdfplumber.pdf.PDF, page_number: int, box: Box, target: Path) -> bool:
    if not 1 <= page_number <= len(pdf.pages):
        return False
    page = pdf.pages[page_number - 1]
    width, height = Decimal(str(page.width)), Decimal(str(page.height))
    if box.x1 > width or box.bottom > height:
        return False
    band = (
        0.0,
        float(max(Decimal(0), box.top - VERTICAL_PADDING)),
        float(width),
        float(min(height, box.bottom + VERTICAL_PADDING)),
    )
    try:
        image = page.crop(band).to_image(resolution=RESOLUTION)
        image.draw_rect(box.as_floats(), fill=HIGHLIGHT_FILL, stroke=HIGHLIGHT_STROKE, stroke_width=2)
        image.save(target, format="PNG")
    except Exception:  # an unrenderable page costs its image, never the report
        return False
    return True
