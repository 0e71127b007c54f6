"""Benchmarks. Run them as modules (`python -m bench.ingest`): run by path, bench/ingest.py
would shadow the ingest package."""
