"""Seconds per phase of a nightly run: printed at the end, and written as JSON for the benchmark."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The benchmark (budget_warehouse.bench) sets this to read each phase's seconds.
TIMINGS_ENV = "BUDGET_WAREHOUSE_TIMINGS"


class PhaseTimer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.monotonic() - started

    def summary(self) -> str:
        return "timings: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.seconds.items())

    def write(self) -> None:
        target = os.environ.get(TIMINGS_ENV)
        if target:
            Path(target).write_text(json.dumps(self.seconds, indent=2) + "\n", encoding="utf-8")
