"""congkhai: turn monthly staff-evaluation exports into a public dashboard site.

The package is the domain and data code; it knows nothing of Pelican. Data
flows one way: ingest -> validate -> store -> aggregate -> public view.
"""
