"""budget-warehouse: the nightly job, the landing step, validation and the stewards' report."""

from budget_warehouse.telemetry import disable_telemetry

# Before any submodule imports dbt or Great Expectations: however a module of the package is started
# (`python -m budget_warehouse.nightly` outside make included), nothing phones home.
disable_telemetry()
