"""The report's dbt docs page: `dbt docs generate --static` against the published warehouse, in a process of
its own so that it runs beside the validation and the report's pages instead of after them (dbt parses the
whole project, then reads the catalog: seconds of one core the report does not wait for).

`python -m budget_warehouse.dbt_docs --target NAME --out FOLDER` writes FOLDER/index.html; exit status 0, or 1
when dbt failed (the report then says it has no dbt docs this run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from budget_warehouse.warehouse_paths import PROJECT_DIR


def generate(target_name: str, destination: Path) -> bool:
    """Run dbt in this process; True when destination/index.html was written."""
    # only the child process needs dbt: the validation that starts it does not import it
    from dbt.cli.main import dbtRunner

    with tempfile.TemporaryDirectory(prefix="dbt_docs_") as target:
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
                target,
            ]
        )
        page = Path(target) / "static_index.html"
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
