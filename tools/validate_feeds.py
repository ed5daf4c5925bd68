"""Run the W3C Feed Validator (its source, offline) on every feed of a built site.

The validator is not on PyPI: take the public repository w3c/feedvalidator (its
`src/` folder) and a Python with `html5lib`, outside this project, e.g.

    git clone https://github.com/w3c/feedvalidator /tmp/feedvalidator
    python3 -m venv /tmp/fv && /tmp/fv/bin/pip install html5lib
    python -m generator publish --site-url https://example.gov.vn/cong-khai --output /tmp/site
    /tmp/fv/bin/python tools/validate_feeds.py /tmp/feedvalidator/src /tmp/site https://example.gov.vn/cong-khai

Each feed is validated as if served at SITE_URL + its path (so self links are checked).
Prints every event the online validator would show (compatibility "AA") and exits 1 on any.
"""
import sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
import feedvalidator  # noqa: E402
from feedvalidator import compatibility  # noqa: E402
from feedvalidator.formatter.text_plain import Formatter  # noqa: E402

site, base = Path(sys.argv[2]), sys.argv[3].rstrip("/") + "/"
feeds = sorted(p for p in site.rglob("*.xml") if p.name != "sitemap.xml")
problems = 0
counts = {"error": 0, "warning": 0}
for path in feeds:
    url = base + path.relative_to(site).as_posix()
    try:
        with open(path, "rb") as stream:
            events = feedvalidator.validateStream(stream, firstOccurrenceOnly=1, base=url)["loggedEvents"]
    except feedvalidator.logging.ValidationFailure as failure:
        events = [failure.event]
    shown = compatibility.AA(events)
    for e in shown:
        kind = "error" if isinstance(e, feedvalidator.logging.Error) else "warning"
        counts[kind] += 1
    if shown:
        problems += 1
        print(f"== {path.relative_to(site)}")
        print("\n".join(Formatter(shown)))
print(f"{len(feeds)} feeds validated: {counts['error']} errors, {counts['warning']} warnings, {problems} feeds with events")
sys.exit(1 if problems else 0)
