"""Every chart figure the build writes is valid for plotly's schema.

plotly.js silently ignores an attribute it does not know (a misspelt
`hovertemplate`, a `marker.colour`): the chart still draws, wrong. plotly.py's
`graph_objects.Figure` checks each name and value against the schema of the
plotly.js version it bundles and raises on any it does not know; this is the
plotly package's one job in the project (requirements-test.txt).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest

import site_fixture as fixture

FIGURE_BLOCK = re.compile(r'<script type="application/json" id="([^"]+)">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("schema")
    return fixture.build(fixture.write_data(root / "data"), root / "output")


def figures(output: Path):
    for page in sorted(output.rglob("*.html")):
        for block_id, text in FIGURE_BLOCK.findall(page.read_text("utf-8")):
            value = json.loads(text)
            if isinstance(value, dict) and "data" in value and "layout" in value:
                yield f"{page.relative_to(output)}#{block_id}", value


def validate(figure: dict) -> None:
    go.Figure(data=figure["data"], layout=figure["layout"])


def test_every_figure_of_every_page_fits_plotlys_schema(site):
    checked = {}
    for where, figure in figures(site):
        validate(figure)
        checked[where.split("#")[1]] = checked.get(where.split("#")[1], 0) + 1
    # Every kind of chart was seen: the month's ranking, a unit's trend, the six of the trends page.
    assert {"bieu-do-xep-hang", "bieu-do-don-vi", "bieu-do-ty-le", "bieu-do-danh-gia", "bieu-do-nang-ha",
            "bieu-do-khen-thuong", "bieu-do-theo-cap", "bieu-do-theo-khoi"} <= set(checked)


def test_the_schema_check_catches_what_plotly_js_would_ignore(site):
    where, figure = next(figures(site))
    figure["data"][0]["hovertemplat"] = "%{y}"
    with pytest.raises(ValueError, match="hovertemplat"):
        validate(figure)
