"""Import published 部门决算 PDFs into raw CSV files.

Usage: `python -m budget_warehouse.extract PDF... --out FOLDER`.

Writes, per PDF, FOLDER/<kind>__<first 12 hex of its sha256>.csv, so FOLDER is directly a bulk raw folder.
Exit status 1 when a file could not be read; the blank template is reported and skipped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from budget_warehouse.pdf_import.importer import TemplateDocumentError, import_document
from budget_warehouse.pdf_import.read_pdf import UnreadablePdfError
from budget_warehouse.pdf_import.write_raw import write_document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("pdfs", nargs="+", type=Path, metavar="PDF")
    parser.add_argument("--out", type=Path, default=Path("inbox/imported"))
    args = parser.parse_args(argv)
    failed = 0
    for pdf in args.pdfs:
        try:
            document = import_document(pdf)
        except TemplateDocumentError as error:
            print(f"skipped {error}")
            continue
        except (UnreadablePdfError, OSError) as error:
            print(f"failed {error}", file=sys.stderr)
            failed += 1
            continue
        written = write_document(document, args.out)
        rows = sum(len(rows) for rows in document.rows.values())
        print(f"{pdf.name}: {document.disclosure_id}, {rows} rows in {len(written)} files under {args.out}")
        for problem in document.problems:
            print(f"  problem: {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
