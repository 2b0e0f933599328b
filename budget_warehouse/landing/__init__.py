"""The landing step: raw CSV files read by Python before dbt, every row with its exact physical line.

Stages, one module each: `contract` (the columns each kind of raw file must have), `read_file` (decode
and parse one file into records, rejecting what breaks its structure), `land` (write every record of a
folder into the build's `landing` schema, with a manifest that counts the file's lines).
"""
