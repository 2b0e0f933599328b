"""Turn a published 部门决算 PDF into the raw CSV files of docs/raw_contract.md.

Stages, each a module testable on its own: read_pdf (text with positions, ruling lines), find_tables (the
standard tables by their titles), read_cells (rows and columns into typed cells), write_raw (the CSV
files of the contract), inbox (the nightly import of a folder of PDFs). contract.py holds the columns.
"""
