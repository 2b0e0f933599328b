"""`python -m budget_warehouse.bench --disclosures N [--out FILE.json] [--work-dir DIR] [--first-night]
[--disclosures-per-file K] [--changed-percent P]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from budget_warehouse.bench.run import NightlyFailedError, bench, result_json, summary_lines, work_folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m budget_warehouse.bench", allow_abbrev=False)
    parser.add_argument("--disclosures", type=int, required=True, help="how many disclosures to generate")
    parser.add_argument("--out", type=Path, help="write every measurement as JSON here")
    parser.add_argument("--work-dir", type=Path, help="keep the corpus, warehouse and reports here")
    parser.add_argument(
        "--first-night",
        action="store_true",
        help="measure the first night: dbt parses the project from scratch (about 3 s more)",
    )
    parser.add_argument(
        "--disclosures-per-file",
        type=int,
        default=0,
        help="start a new set of raw files every N disclosures (default: one file per raw kind)",
    )
    parser.add_argument(
        "--changed-percent",
        type=float,
        default=0.0,
        help="then change this percentage of the disclosures and measure the night after",
    )
    options = parser.parse_args(argv)
    if options.disclosures < 1:
        parser.error("--disclosures must be at least 1")
    if options.disclosures_per_file < 0 or not 0 <= options.changed_percent <= 100:
        parser.error("--disclosures-per-file must be at least 0 and --changed-percent within 0..100")
    try:
        with work_folder(options.work_dir, "budget_bench_") as work_dir:
            result = bench(
                options.disclosures,
                work_dir,
                options.first_night,
                options.disclosures_per_file,
                options.changed_percent,
            )
    except NightlyFailedError as failed:
        print(f"bench: {failed}", file=sys.stderr)
        return 1
    for line in summary_lines(result):
        print(line)
    if options.out:
        options.out.write_text(result_json(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
