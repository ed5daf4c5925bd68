"""What pages and downloads are made of, from the public view only: charts, no-JS pictures,
search records, open data, and the fingerprints that say when a page must be rendered again.

Imports: core, figures, view (never ingest or store).
"""
