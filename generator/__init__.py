"""congkhai: turn monthly staff-evaluation exports into a public dashboard site.

The package is the domain and data code, in one folder per stage; data flows
one way, and a stage imports only the ones below it:

    core -> ingest -> figures -> store -> view -> pages -> round

(demo/ writes synthetic exports; cli.py parses the command line.) It knows
Pelican only as the renderer round/render.py runs; the plugin that writes the
pages is loaded by Pelican from the settings, never imported from here.
See docs/architecture.md.
"""
