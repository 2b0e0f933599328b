"""budget_warehouse/gx_duckdb.py patches GX so that its SQL datasource works on DuckDB: is the patch what
makes it work, and is it still needed?

The same validation runs twice through GX's own SQL datasource on the sample warehouse, each in a process of
its own: unpatched, it fails the known way (GX issues 10738 and 11579: results read after the connection
closed); patched, it succeeds and GX's metric (the row count) is right. The day the unpatched run passes,
upstream is fixed: remove patch_gx_for_duckdb.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from budget_warehouse.gx_duckdb import GX_MEMORY_LIMIT

REMOVE_THE_PATCH = (
    "GX's SQL datasource now validates on DuckDB without the patch: upstream fixed GX issues 10738/11579. "
    "Remove patch_gx_for_duckdb from budget_warehouse/gx_duckdb.py (and this test's unpatched half)."
)

# Run in a process of its own: duckdb_engine's connections outlive GX's context and clutter the test
# process's exit with reference-leak reports; and a patch applied once stays for the whole process.
VALIDATE_THROUGH_GX_SQL_DATASOURCE = """
import json, sys
import great_expectations as gx
import great_expectations.expectations as gxe
from budget_warehouse.gx_duckdb import patch_gx_for_duckdb

if sys.argv[2] == "patched":
    patch_gx_for_duckdb()
context = gx.get_context(mode="ephemeral")
datasource = context.data_sources.add_sql(
    name="warehouse",
    connection_string="duckdb:///" + sys.argv[1],
    kwargs={"connect_args": {"read_only": True}},
)
batch = (
    datasource.add_query_asset(name="dim_disclosure", query="select * from marts.dim_disclosure")
    .add_batch_definition_whole_table("whole_table")
    .get_batch()
)
result = batch.validate(gxe.ExpectTableRowCountToBeBetween(min_value=1, max_value=1000))
messages = [
    str(info.get("exception_message"))
    for info in (result.exception_info or {}).values()
    if isinstance(info, dict) and info.get("raised_exception")
]
observed = (result.result or {}).get("observed_value")
print(json.dumps({"success": bool(result.success), "messages": messages, "observed": observed}))
"""


def _validate(warehouse: Path, mode: str) -> dict[str, object]:
    probe = subprocess.run(
        [sys.executable, "-c", VALIDATE_THROUGH_GX_SQL_DATASOURCE, str(warehouse), mode],
        env=dict(os.environ, GX_ANALYTICS_ENABLED="false"),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(probe.stdout.strip().splitlines()[-1])
    return result


def test_gx_sql_datasource_fails_on_duckdb_without_the_patch_and_works_with_it(
    tmp_path: Path, sample_warehouse: Path
) -> None:
    # a copy: nothing here may hold the shared sample file
    warehouse = tmp_path / "copy.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        (disclosures,) = connection.execute("select count(*) from marts.dim_disclosure").fetchone() or (0,)

    unpatched = _validate(warehouse, "unpatched")
    assert not unpatched["success"], REMOVE_THE_PATCH
    # the known way: the metric query's rows were read after the connection closed, so none came back
    messages = unpatched["messages"]
    assert isinstance(messages, list)
    assert any("list index out of range" in message for message in messages), (
        f"GX's SQL datasource still fails on DuckDB, but differently now: {messages}. Check GX issues "
        "10738/11579 before touching budget_warehouse/gx_duckdb.py."
    )

    patched = _validate(warehouse, "patched")
    assert patched == {"success": True, "messages": [], "observed": disclosures}


GX_DUCKDB_SETTINGS = """
import json, sys, tempfile
from pathlib import Path
import great_expectations as gx
import great_expectations.expectations as gxe
from budget_warehouse.gx_duckdb import add_warehouse_datasource, close_datasource, datasource_connection

context = gx.get_context(mode="ephemeral")
with tempfile.TemporaryDirectory() as spill:
    datasource = add_warehouse_datasource(context, Path(sys.argv[1]), Path(spill))
    batch = (
        datasource.add_query_asset(name="dim_disclosure", query="select * from marts.dim_disclosure")
        .add_batch_definition_whole_table("whole_table")
        .get_batch()
    )
    result = batch.validate(gxe.ExpectTableRowCountToBeBetween(min_value=1, max_value=1000))
    with datasource_connection(datasource) as connection:
        (memory_limit, temp_directory, progress_bar) = connection.execute(
            "select current_setting('memory_limit'), current_setting('temp_directory'), "
            "current_setting('enable_progress_bar')"
        ).fetchone()
    close_datasource(datasource)
    spills = temp_directory == spill
    print(json.dumps({
        "success": bool(result.success), "memory_limit": memory_limit, "spills": spills,
        "progress_bar": progress_bar,
    }))
"""


def test_gx_duckdb_holds_its_memory_limit_and_spills_into_a_folder_of_its_own(
    tmp_path: Path, sample_warehouse: Path
) -> None:
    warehouse = tmp_path / "copy.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    probe = subprocess.run(
        [sys.executable, "-c", GX_DUCKDB_SETTINGS, str(warehouse)],
        env=dict(os.environ, GX_ANALYTICS_ENABLED="false"),
        capture_output=True,
        text=True,
        check=True,
    )
    settings = json.loads(probe.stdout.strip().splitlines()[-1])
    with duckdb.connect(config={"memory_limit": GX_MEMORY_LIMIT}) as connection:
        (expected_limit,) = connection.execute("select current_setting('memory_limit')").fetchone() or ("",)
    # unbounded, GX's DuckDB would take up to 80% of the machine's memory; a bar would fill the nightly's log
    expected = {"success": True, "memory_limit": expected_limit, "spills": True, "progress_bar": False}
    assert settings == expected
