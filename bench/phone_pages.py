"""Each main page of built sites on a phone (360x640 unless told): what a reader meets there.

    .venv/bin/python bench/phone_pages.py SITE [SITE ...] [--width 360] [--height 640]

Each SITE is a built site's folder (the demo's output/, one built from an older commit: a
before and after). Its pages are found and read as tests/browser/test_phone.py reads them, with
the same measuring script (tests/browser/phone.js): the page as it opens, then with every section
open and every chart drawn. Prints one Markdown table, a row a page, a column a site:

  cells     table cells off the screen (read only by scrolling sideways) / table cells shown
  screens   the page's height in screens as it opens (with every section open, in brackets, where
            it differs)
  labels    pairs of chart or picture labels closer than 4 px
  broken    words broken across two lines (inside a syllable)
  wide      the page wider than the screen (its width in px), or "no"

A page a site does not have (a month not split by block has no block page) shows "–".
Not part of `make test`: it never fails.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browsing import chromium, serving  # noqa: E402
from test_phone import MEASURE, PAGES, find_pages, settle  # noqa: E402

COLUMNS = ("cells", "screens", "labels", "broken", "wide")


def measure_site(browser, folder: Path, width: int, height: int) -> dict[str, dict[str, str]]:
    """For each of PAGES: the figures of COLUMNS as text, or None where the site has no such page."""
    found: dict[str, dict[str, str] | None] = {}
    with serving(folder) as address:
        finder = browser.new_context()
        pages = find_pages(finder.new_page(), address)
        finder.close()
        context = browser.new_context(viewport={"width": width, "height": height})
        tab = context.new_page()
        for name in PAGES:
            if pages[name] is None:
                found[name] = None
                continue
            tab.goto(pages[name], wait_until="networkidle")  # the compare and search pages draw by script
            closed = tab.evaluate(MEASURE)
            settle(tab, name)
            opened = tab.evaluate(MEASURE)
            screens = f"{closed['height'] / height:.1f}"
            if abs(opened["height"] - closed["height"]) >= height / 20:
                screens += f" ({opened['height'] / height:.1f})"
            wide = max(closed["width"], opened["width"])
            found[name] = {
                "cells": f"{len(opened['off']):,} / {opened['cells']:,}",
                "screens": screens,
                "labels": str(len(opened["close"])),
                "broken": str(len(set(closed["broken"] + opened["broken"]))),
                "wide": f"{wide} px" if wide > closed["screen"] else "no",
            }
        context.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", nargs="+", type=Path, help="built sites' folders")
    parser.add_argument("--width", type=int, default=360)
    parser.add_argument("--height", type=int, default=640)
    args = parser.parse_args()
    for folder in args.sites:
        if not (folder / "index.html").is_file():
            parser.error(f"{folder}: no built site there (no index.html)")
    with chromium() as browser:
        results = [measure_site(browser, folder, args.width, args.height) for folder in args.sites]
    print(f"At {args.width}x{args.height}; sites: " + ", ".join(f"{i + 1} = {f}" for i, f in enumerate(args.sites)))
    print()
    print("| page | " + " | ".join(f"{c} ({i + 1})" if len(results) > 1 else c
                                   for c in COLUMNS for i in range(len(results))) + " |")
    print("| --- " * (1 + len(COLUMNS) * len(results)) + "|")
    for name in PAGES:
        cells = [(r[name] or {}).get(c, "–") for c in COLUMNS for r in results]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
