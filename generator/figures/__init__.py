"""Arithmetic on validated rows: counts per unit and month and their roll-ups, warnings on
the figures, which counts are merged (suppression) and what subtraction can recover.

Imports: core, ingest.
"""
