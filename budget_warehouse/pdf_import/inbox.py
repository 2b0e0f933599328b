"""Stage 5: the nightly import of an inbox folder of PDFs into a bulk raw folder.

Idempotent: a PDF whose sha256 is unchanged since the last run is not extracted again (the manifest
import_manifest.json in the output folder remembers what each file produced); a changed PDF replaces its
outputs; a PDF gone from the inbox takes its outputs with it. Documents are imported in parallel, one
process per core; a file that cannot be read is listed (and written to import_failures.csv) while every
other document still loads.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from budget_warehouse.pdf_import.importer import TemplateDocumentError, import_document
from budget_warehouse.pdf_import.read_pdf import UnreadablePdfError, file_sha256
from budget_warehouse.pdf_import.write_raw import write_csv, write_document

MANIFEST = "import_manifest.json"
# Raised whenever what the importer writes changes (a column renamed, figures read that were not): a PDF
# imported by another version is read again, so that its raw files match the contract the build expects.
IMPORTER_VERSION = 2
FAILURES = "import_failures.csv"
FAILURE_COLUMNS = ("file", "sha256", "reason")


@dataclass(frozen=True)
class Failure:
    file: str
    sha256: str
    reason: str  # one line naming the file


@dataclass
class Outcome:
    """What importing one file produced; picklable so that worker processes can return it."""

    file: str
    sha256: str
    outputs: list[str] = field(default_factory=list)
    failure: str = ""
    problems: list[str] = field(default_factory=list)
    pages: int = 0


@dataclass
class InboxResult:
    imported: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)


def import_one(pdf: Path, out_dir: Path, sha256: str) -> Outcome:
    """Import one file into out_dir; never raises for a bad document (the reason is in the outcome)."""
    outcome = Outcome(pdf.name, sha256)
    try:
        document = import_document(pdf)
    except (UnreadablePdfError, TemplateDocumentError) as error:
        outcome.failure = str(error)
        return outcome
    except Exception as error:  # an unexpected layout must not stop the other documents
        outcome.failure = f"{pdf.name}: import failed ({type(error).__name__}: {error})"
        return outcome
    outcome.outputs = [path.name for path in write_document(document, out_dir)]
    outcome.problems = document.problems
    outcome.pages = document.page_count
    return outcome


def _load_manifest(out_dir: Path) -> dict[str, dict[str, object]]:
    path = out_dir / MANIFEST
    if not path.exists():
        return {}
    loaded: dict[str, dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _save_manifest(out_dir: Path, manifest: dict[str, dict[str, object]]) -> None:
    partial = out_dir / (MANIFEST + ".partial")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    partial.replace(out_dir / MANIFEST)


def _outputs_of(entry: dict[str, object]) -> list[str]:
    outputs = entry.get("outputs", [])
    return [str(name) for name in outputs] if isinstance(outputs, list) else []


def _remove_outputs(out_dir: Path, entry: dict[str, object]) -> None:
    for name in _outputs_of(entry):
        (out_dir / name).unlink(missing_ok=True)


def _is_current(out_dir: Path, entry: dict[str, object] | None, sha256: str) -> bool:
    if entry is None or entry.get("sha256") != sha256 or entry.get("importer_version") != IMPORTER_VERSION:
        return False
    return all((out_dir / name).exists() for name in _outputs_of(entry))


def import_inbox(inbox_dir: Path, out_dir: Path, workers: int | None = None) -> InboxResult:
    """Import every *.pdf of inbox_dir (not recursive) into out_dir; see the module docstring."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = _load_manifest(out_dir)
    result = InboxResult()
    present = {pdf.name: pdf for pdf in sorted(inbox_dir.glob("*.pdf")) if pdf.is_file()}
    for gone in sorted(set(manifest) - set(present)):
        _remove_outputs(out_dir, manifest.pop(gone))
        result.removed.append(gone)
    todo: list[tuple[Path, str]] = []
    for name, pdf in present.items():
        sha256 = file_sha256(pdf)
        entry = manifest.get(name)
        if _is_current(out_dir, entry, sha256):
            result.unchanged.append(name)
            continue
        if entry is not None:
            _remove_outputs(out_dir, manifest.pop(name))
        todo.append((pdf, sha256))
    for outcome in _run(todo, out_dir, workers):
        manifest[outcome.file] = {k: v for k, v in asdict(outcome).items() if k != "file"}
        manifest[outcome.file]["importer_version"] = IMPORTER_VERSION
        if not outcome.failure:
            result.imported.append(outcome.file)
    _save_manifest(out_dir, manifest)
    _collect(result, manifest)
    write_csv(out_dir / FAILURES, FAILURE_COLUMNS, [asdict(f) for f in result.failures])
    return result


def _collect(result: InboxResult, manifest: dict[str, dict[str, object]]) -> None:
    """Failures and problems of every file now in the inbox, imported this run or earlier."""
    for name in sorted(manifest):
        entry = manifest[name]
        if entry.get("failure"):
            result.failures.append(Failure(name, str(entry.get("sha256", "")), str(entry["failure"])))
        problems = entry.get("problems")
        if isinstance(problems, list) and problems:
            result.problems[name] = [str(p) for p in problems]


def _run(todo: list[tuple[Path, str]], out_dir: Path, workers: int | None) -> list[Outcome]:
    """Import in parallel, one process per core, and print progress as documents finish."""
    if not todo:
        print("import: 0/0 documents (nothing new)", flush=True)
        return []
    outcomes = _dedupe_content(todo)
    work = [(pdf, sha) for pdf, sha in todo if pdf.name not in {o.file for o in outcomes}]
    count = workers or os.cpu_count() or 1
    done = len(outcomes)
    if count == 1 or len(work) == 1:
        for pdf, sha256 in work:
            outcomes.append(import_one(pdf, out_dir, sha256))
            done += 1
            print(f"import: {done}/{len(todo)} documents", flush=True)
        return outcomes
    with ProcessPoolExecutor(max_workers=min(count, len(work))) as pool:
        futures = [pool.submit(import_one, pdf, out_dir, sha256) for pdf, sha256 in work]
        for future in as_completed(futures):
            outcomes.append(future.result())
            done += 1
            print(f"import: {done}/{len(todo)} documents", flush=True)
    return outcomes


def _dedupe_content(todo: list[tuple[Path, str]]) -> list[Outcome]:
    """Two inbox files with the same bytes would write the same output files: import the first only."""
    first_by_sha: dict[str, str] = {}
    duplicates: list[Outcome] = []
    for pdf, sha256 in todo:
        if sha256 in first_by_sha:
            reason = f"{pdf.name}: same content as {first_by_sha[sha256]}, imported once"
            duplicates.append(Outcome(pdf.name, sha256, failure=reason))
        else:
            first_by_sha[sha256] = pdf.name
    return duplicates
