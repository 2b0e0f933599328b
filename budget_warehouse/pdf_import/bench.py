"""Benchmark the importer on the shared PDFs: `python -m budget_warehouse.pdf_import.bench [PDF...]`.

Prints seconds per document and pages per second on one core (documents one after another), then the
whole set through the inbox with every core (one process per core).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from budget_warehouse.pdf_import.inbox import import_inbox, import_one
from budget_warehouse.pdf_import.read_pdf import file_sha256

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "pdf"


def _page_count(pdf: Path, outcome_pages: int) -> int:
    if outcome_pages:
        return outcome_pages
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        return len(document.pages)


def bench(pdfs: list[Path]) -> None:
    total_pages = 0
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out"
        single_start = time.perf_counter()
        for pdf in pdfs:
            start = time.perf_counter()
            outcome = import_one(pdf, out, file_sha256(pdf))
            seconds = time.perf_counter() - start
            pages = _page_count(pdf, outcome.pages)
            total_pages += pages
            status = outcome.failure or f"{len(outcome.outputs)} files"
            speed = f"{pages} pages in {seconds:.2f} s ({pages / seconds:.1f} pages/s)"
            print(f"one core: {pdf.name}: {speed}; {status}")
        single = time.perf_counter() - single_start
        print(f"one core: {len(pdfs)} documents in {single:.2f} s ({total_pages / single:.1f} pages/s)")
        inbox = Path(scratch) / "inbox"
        inbox.mkdir()
        for pdf in pdfs:
            shutil.copy(pdf, inbox / pdf.name)
        cores = os.cpu_count() or 1
        start = time.perf_counter()
        import_inbox(inbox, Path(scratch) / "parallel", workers=cores)
        parallel = time.perf_counter() - start
        print(
            f"all {cores} cores (inbox): {len(pdfs)} documents in {parallel:.2f} s "
            f"({parallel / len(pdfs):.2f} s per document, {total_pages / parallel:.1f} pages/s)"
        )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    pdfs = [Path(a) for a in args] or sorted(FIXTURES.glob("*.pdf"))
    bench(pdfs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
