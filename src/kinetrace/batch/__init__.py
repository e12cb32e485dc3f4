"""Batch assessment: map one pure per-item function over many case files on a Dask cluster.

`assess_file(path, profile)` reads and assesses one case and returns a `BatchRecord` ("ok" with the
assessment's JSON, or "failed" with the one-line reason). `run_batch` builds one Dask task per file, computes
them all at once on a LocalCluster or a running scheduler, and returns the records in input order, equal to
what a serial loop over `assess_file` gives. `write_outputs` writes them as JSON Lines plus a CSV summary.
A manifest CSV (`read_manifest`) can give each case photos and movement clips to measure on the worker first.
Dask is imported only inside `run_batch`.
"""

from kinetrace.batch.inputs import CASE_SUFFIXES, BatchItem, expand_inputs, read_manifest
from kinetrace.batch.item import assess_file
from kinetrace.batch.media import CaseMedia, VideoSpec
from kinetrace.batch.output import JSONL_NAME, SUMMARY_NAME, BatchOutputs, write_outputs
from kinetrace.batch.record import SUMMARY_COLUMNS, BatchRecord, Status
from kinetrace.batch.run import PROFILES, run_batch

__all__ = [
    "CASE_SUFFIXES",
    "JSONL_NAME",
    "PROFILES",
    "SUMMARY_COLUMNS",
    "SUMMARY_NAME",
    "BatchItem",
    "BatchOutputs",
    "BatchRecord",
    "CaseMedia",
    "Status",
    "VideoSpec",
    "assess_file",
    "expand_inputs",
    "read_manifest",
    "run_batch",
    "write_outputs",
]
