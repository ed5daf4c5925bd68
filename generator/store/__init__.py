"""The private record of published months: one Parquet file per month and version, the small
products kept of each month, what changed between versions.

Imports: core, ingest, figures.
"""
