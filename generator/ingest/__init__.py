"""Files to validated rows: find the header, map columns, normalise values, read the units
registry and the withheld list, validate across rows (every problem at once).

Imports: core.
"""
