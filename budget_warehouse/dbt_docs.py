"""The report's dbt docs page: `dbt docs generate --static` against the published warehouse, in a process of
its own so that it runs beside the validation and the report's pages instead of after them (dbt parses the
whole project, then reads the catalog: seconds of one core the report does not wait for).

dbt's own folder for it (`<dbt target path>/dbt_docs_<target>`) is kept from one night to the next, so that
dbt reuses the project it parsed the night before (partial parsing: 8.5 → 5.4 s of one core at 1,000
disclosures). A second run at the same time (`make validate` by hand during the nightly) finds the folder
locked and uses a temporary one.

`python -m budget_warehouse.dbt_docs --target NAME --out FOLDER` writes FOLDER/index.html; exit status 0, or 1
when dbt failed (the report then says it has no dbt docs this run).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from budget_warehouse.warehouse_paths import PROJECT_DIR


def kept_target_folder(target_name: str, dbt_target_path: str | None) -> Path:
    """`<dbt target path>/dbt_docs_<target>`: dbt resolves a relative target path against the project."""
    return PROJECT_DIR / (dbt_target_path or "target") / f"dbt_docs_{target_name}"


@contextmanager
def dbt_target_folder(target_name: str) -> Iterator[Path]:
    """The kept folder for this target's docs, locked while dbt writes into it; a temporary folder when
    another run holds it."""
    kept = kept_target_folder(target_name, os.environ.get("DBT_TARGET_PATH"))
    kept.mkdir(parents=True, exist_ok=True)
    with open(kept.with_name(kept.name + ".lock"), "w", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            with tempfile.TemporaryDirectory(prefix="dbt_docs_") as temporary:
                yield Path(temporary)
            return
        yield kept


def generate(target_name: str, destination: Path) -> bool:
    """Run dbt in this process; True when destination/index.html was written."""
    # only the child process needs dbt: the validation that starts it does not import it
    from dbt.cli.main import dbtRunner

    with dbt_target_folder(target_name) as target:
        page = target / "static_index.html"
        page.unlink(missing_ok=True)
        result = dbtRunner().invoke(
            [
                "docs",
                "generate",
                "--static",
                "--quiet",
                "--project-dir",
                str(PROJECT_DIR),
                "--profiles-dir",
                str(PROJECT_DIR),
                "--target",
                target_name,
                "--target-path",
                str(target),
            ]
        )
        if not result.success or not page.is_file():
            return False
        destination.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, destination / "index.html")
    return True


def start(target_name: str, destination: Path, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start generating in a child process with these environment variables added; wait() says how it went."""
    command = [sys.executable, "-m", "budget_warehouse.dbt_docs", "--target", target_name]
    return subprocess.Popen(
        [*command, "--out", str(destination)],
        cwd=PROJECT_DIR,
        env={**os.environ, **environment},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m budget_warehouse.dbt_docs", allow_abbrev=False)
    parser.add_argument("--target", required=True, help="the dbt target that reads the published warehouse")
    parser.add_argument("--out", required=True, type=Path, help="the folder index.html is written to")
    options = parser.parse_args(argv)
    return 0 if generate(options.target, options.out) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
