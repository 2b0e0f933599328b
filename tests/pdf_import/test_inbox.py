"""The nightly inbox: bad files are reported one line each, the rest loads; re-runs are incremental."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pypdfium2

from budget_warehouse.pdf_import.importer import TEMPLATE_REASON
from budget_warehouse.pdf_import.inbox import FAILURES, import_inbox

from .conftest import FINANCE, SOCIAL, TEMPLATE


def encrypted_pdf() -> bytes:
    """A one-page PDF behind the standard security handler whose password is not empty."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 5 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        b"ab" * 16,
        b"ab" * 16,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def scanned_pdf(target: Path) -> None:
    """A page of a real document rendered to an image and saved as an image-only PDF."""
    document = pypdfium2.PdfDocument(str(SOCIAL))
    document[4].render(scale=1).to_pil().save(target)
    document.close()


def make_bad_files(inbox: Path) -> dict[str, str]:
    """Each bad file and a word its reason must contain."""
    (inbox / "empty.pdf").write_bytes(b"")
    (inbox / "junk.pdf").write_bytes(b"this is a spreadsheet, not a PDF\n" * 20)
    data = SOCIAL.read_bytes()
    (inbox / "truncated.pdf").write_bytes(data[: len(data) // 2])
    (inbox / "encrypted.pdf").write_bytes(encrypted_pdf())
    scanned_pdf(inbox / "scan.pdf")
    return {
        "empty.pdf": "0 bytes",
        "junk.pdf": "not a PDF",
        "truncated.pdf": "truncated",
        "encrypted.pdf": "encrypted",
        "scan.pdf": "no text layer",
    }


def test_bad_files_are_reported_and_the_rest_loads(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(SOCIAL, inbox / SOCIAL.name)
    shutil.copy(TEMPLATE, inbox / TEMPLATE.name)
    expected = make_bad_files(inbox)
    result = import_inbox(inbox, out, workers=2)
    assert result.imported == [SOCIAL.name]
    reasons = {f.file: f.reason for f in result.failures}
    assert set(reasons) == {*expected, TEMPLATE.name}
    for name, word in expected.items():
        assert name in reasons[name] and word in reasons[name]
        assert "\n" not in reasons[name]
    assert reasons[TEMPLATE.name] == f"{TEMPLATE.name}: {TEMPLATE_REASON}"
    with (out / FAILURES).open(encoding="utf-8", newline="") as handle:
        listed = list(csv.DictReader(handle))
    assert {row["file"] for row in listed} == set(reasons)
    assert all(len(row["sha256"]) == 64 for row in listed)
    assert len(list(out.glob("raw_disclosures__*.csv"))) == 1  # the template wrote nothing


def test_second_run_extracts_nothing_and_a_changed_file_replaces_its_outputs(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(SOCIAL, inbox / "dept.pdf")
    shutil.copy(FINANCE, inbox / "finance.pdf")
    first = import_inbox(inbox, out, workers=1)
    assert sorted(first.imported) == ["dept.pdf", "finance.pdf"]
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("raw_*.csv")}

    second = import_inbox(inbox, out, workers=1)
    assert second.imported == []
    assert sorted(second.unchanged) == ["dept.pdf", "finance.pdf"]
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("raw_*.csv")} == before

    shutil.copy(FINANCE, inbox / "dept.pdf")  # same name, new content
    (inbox / "finance.pdf").unlink()
    third = import_inbox(inbox, out, workers=1)
    assert third.imported == ["dept.pdf"]
    assert third.removed == ["finance.pdf"]
    disclosures = list(out.glob("raw_disclosures__*.csv"))
    assert len(disclosures) == 1
    assert "2024-上海市普陀区财政局" in disclosures[0].read_text(encoding="utf-8")
    # one document's files: the seven table kinds, its narrative figures, stated calculations and texts
    assert len(list(out.glob("raw_*.csv"))) == 10


def test_template_is_reported_never_written(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(TEMPLATE, inbox / TEMPLATE.name)
    result = import_inbox(inbox, out, workers=1)
    assert result.imported == []
    assert [f.reason for f in result.failures] == [f"{TEMPLATE.name}: {TEMPLATE_REASON}"]
    assert list(out.glob("raw_*.csv")) == []
