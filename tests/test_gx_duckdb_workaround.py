"""budget_warehouse/gx_duckdb.py works around GX's SQL datasource failing on DuckDB: is that still needed?

This test tries GX's own SQL datasource on the sample warehouse and expects the known failure (GX issues
10738 and 11579). The day it passes, upstream is fixed: validate through the SQL datasource and remove the
workaround module.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REMOVE_THE_WORKAROUND = (
    "GX's SQL datasource now validates on DuckDB: upstream fixed GX issues 10738/11579. Validate "
    "through context.data_sources.add_sql and remove budget_warehouse/gx_duckdb.py's pandas "
    "workaround (and this test)."
)

# Run in a process of its own: duckdb_engine's connections outlive GX's context and clutter the test
# process's exit with reference-leak reports.
VALIDATE_THROUGH_GX_SQL_DATASOURCE = """
import json, sys
import great_expectations as gx
import great_expectations.expectations as gxe

context = gx.get_context(mode="ephemeral")
datasource = context.data_sources.add_sql(name="warehouse", connection_string="duckdb:///" + sys.argv[1])
batch = (
    datasource.add_table_asset(name="dim_disclosure", table_name="dim_disclosure", schema_name="marts")
    .add_batch_definition_whole_table("whole_table")
    .get_batch()
)
result = batch.validate(gxe.ExpectTableRowCountToBeBetween(min_value=1, max_value=1000))
messages = [
    str(info.get("exception_message"))
    for info in (result.exception_info or {}).values()
    if isinstance(info, dict) and info.get("raised_exception")
]
print(json.dumps({"success": bool(result.success), "messages": messages}))
"""


def test_gx_sql_datasource_still_fails_on_duckdb(tmp_path: Path, sample_warehouse: Path) -> None:
    # a copy: the SQL datasource opens the file read-write, which must not lock the shared sample
    warehouse = tmp_path / "copy.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)

    probe = subprocess.run(
        [sys.executable, "-c", VALIDATE_THROUGH_GX_SQL_DATASOURCE, str(warehouse)],
        env=dict(os.environ, GX_ANALYTICS_ENABLED="false"),
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(probe.stdout.strip().splitlines()[-1])

    assert not result["success"], REMOVE_THE_WORKAROUND
    # the known way: the metric query's rows were read after the connection closed, so none came back
    assert any("list index out of range" in message for message in result["messages"]), (
        f"GX's SQL datasource still fails on DuckDB, but differently now: {result['messages']}. Check GX "
        "issues 10738/11579 before touching budget_warehouse/gx_duckdb.py."
    )
