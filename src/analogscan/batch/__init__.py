"""``analogscan batch``: a prefecture-wide (or national) review over many municipalities' rule books.

It wraps the scan pipeline (``ingest.read_input`` → ``pipeline.scan_document``, with the
pipeline's ``DetectorSettings``), caches each file's result by content hash in
SQLite, runs files in worker processes (or on a Dask cluster), groups near-identical provisions
across municipalities and writes findings.jsonl, a workbook and an offline HTML dashboard.
"""
