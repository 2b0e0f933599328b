"""`expect_no_unexpected_rows`: GX's unexpected-rows expectation, its query run once.

GX's `unexpected_rows_expectation` computes two metrics from its query: the rows (the first 200) and their
count. It reports only the count unless the result format is COMPLETE, yet runs the query for both, so
every such expectation costs two runs of its query. The suites' grain checks are such queries: at 10,000
disclosures the `group by finding_id` over 9.6 M rows took 1.5-2 s a run, twice on each findings mart. This
subclass asks for the rows only in the COMPLETE format and otherwise answers exactly as GX's does (the
observed value is the count). The failing rows a report names are read by budget_warehouse.expectations,
20 at most, only when the expectation fails.

Importing this module registers the expectation type with GX (GX registers every Expectation subclass by
its name in snake case): import it before a suite naming it is built.
"""

from __future__ import annotations

from typing import Any

from great_expectations.core.result_format import ResultFormat
from great_expectations.expectations.core.unexpected_rows_expectation import UnexpectedRowsExpectation

ROWS_METRIC = "unexpected_rows_query.table"
COUNT_METRIC = "unexpected_rows_query.row_count"


class ExpectNoUnexpectedRows(UnexpectedRowsExpectation):
    """No row comes back from `unexpected_rows_query` (`{batch}` standing for the batch)."""

    def get_validation_dependencies(
        self, execution_engine: Any = None, runtime_configuration: dict[str, Any] | None = None
    ) -> Any:
        dependencies = super().get_validation_dependencies(execution_engine, runtime_configuration)
        if dependencies.result_format.get("result_format") != ResultFormat.COMPLETE:
            dependencies.remove_metric_configuration(ROWS_METRIC)
        return dependencies

    def _validate(
        self,
        metrics: dict[str, Any],
        runtime_configuration: dict[str, Any] | None = None,
        execution_engine: Any = None,
    ) -> Any:
        if ROWS_METRIC in metrics:
            return super()._validate(metrics, runtime_configuration, execution_engine)
        count = metrics[COUNT_METRIC]
        configured = self._get_result_format(runtime_configuration=runtime_configuration)
        if isinstance(configured, dict):
            configured = str(configured.get("result_format", ResultFormat.SUMMARY))
        if configured == ResultFormat.BOOLEAN_ONLY:
            return {"success": count == 0}
        return {"success": count == 0, "result": {"observed_value": count}}
