"""The synthetic demo: a population of units and staff, written as exports in the format
of the real software.

Imports: core.
"""
