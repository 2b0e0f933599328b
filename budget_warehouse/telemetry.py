"""Stewards often work on closed networks: no component of the job phones home, however it is started."""

from __future__ import annotations

import os

TELEMETRY_OFF = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}


def disable_telemetry() -> None:
    """Set before dbt or Great Expectations is imported: both read these when they start."""
    os.environ.update(TELEMETRY_OFF)
