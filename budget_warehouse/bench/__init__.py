"""The benchmark the project keeps: a synthetic corpus of N disclosures with faults at known places, the
nightly job run on it, its seconds and memory per phase, recall per rule family and false alarms.

`python -m budget_warehouse.bench --disclosures N` (`make bench N=...`). One module per stage: the corpus
(corpus.py), the faults injected into it (faults.py), the plain-DuckDB baseline (baseline.py), the scoring of
findings against the ground truth (scoring.py) and the run with its measurements (run.py).
"""
