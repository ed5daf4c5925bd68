"""The public view, the privacy boundary, and what is made from it alone: trends, key
points, comparisons, announcements, and the audit that proves no merged count can be
recovered from what is published.

Imports: core, ingest, figures, store.
"""
