"""Pictures drawn without JavaScript: inline SVG shapes of the level distribution and of a share.

Geometry only: each function turns published figures (`public.Figures`,
`trends.Series`) into rectangles and paths in a fixed viewBox, and the
theme's `_level_picture.html` macros write them as inline SVG with their
words (level names, months, percentages) in the page's language. Nothing
here knows Pelican or HTML.

- `level_bar(figures, month)`: one month's headcount split by level, one
  horizontal bar stacked to 100% (XS | T | HT | K, or HT+K where merged,
  then not evaluated).
- `level_series(series, last=12)`: the same for each of the last months, one
  vertical stacked bar per month.
- `share_line(series, "xs_share", last=12)`: a sparkline of one share.

A figure that is None is not published (the small-unit rule, or a month with
no figures): it is never drawn, and nothing is computed from the others in
its place. Segments take the site's level colours (charts.LEVEL_COLOURS,
lightness-stepped for greyscale print) with a white gap between neighbours,
and every picture comes with the numbers it draws, for the text beside it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from generator.view.public import PUBLIC, Figures
from generator.view.trends import Series

from .chart_texts import LEVEL_FIELDS
from .charts import LEVEL_COLOURS

# The order of a stack, bottom (or left) first; HT+K stands where HT and K would.
STACK_ORDER = ("XS", "T", "HT", "K", "HT+K", "CDG")
# Text drawn on a segment must read on its colour (WCAG 4.5:1 at 12 px): white on the dark
# colours, ink on the light ones; vermillion (K) passes with neither, so K is never labelled inside.
LABEL_INK = {"XS": "#fff", "T": "#1b1f24", "HT": "#1b1f24", "HT+K": "#fff", "CDG": "#1b1f24"}
GAP = 1  # white between neighbouring segments, in viewBox units
# A segment narrower than this (viewBox units) carries no label: the legend beside says it.
LABEL_MIN_WIDTH = 40


@dataclass(**PUBLIC)
class Segment:
    """One level's part of a bar: a rectangle in the picture's viewBox."""

    code: str  # "XS", "T", "HT", "K", "HT+K" or "CDG"
    count: int
    share: Decimal  # percent of the headcount
    x: float
    y: float
    width: float
    height: float
    colour: str
    label_ink: str | None  # colour of a label written on the segment; None: too narrow, or no colour reads

    @property
    def drawn(self) -> bool:
        return self.width > 0 and self.height > 0

    @property
    def label_x(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def label_y(self) -> float:
        return round(self.y + self.height / 2, 2)


@dataclass(**PUBLIC)
class Bar:
    """One month's stack; `segments` in STACK_ORDER, empty where the month has no figures."""

    month: str
    figures: Figures | None
    segments: tuple[Segment, ...]
    x: float  # where its month's label goes (centre), for a series
    width: float


@dataclass(**PUBLIC)
class LevelPicture:
    """Bars in a `width` × `height` viewBox; `codes`: the levels drawn, for the legend, in order."""

    kind: str  # "bar" (one horizontal bar) or "series" (one vertical bar per month)
    width: int
    height: int
    bars: tuple[Bar, ...]
    codes: tuple[str, ...]
    plot_height: float  # of the bars (a series keeps the rest for month labels)

    @property
    def bar(self) -> Bar:
        return self.bars[-1]

    @property
    def known(self) -> tuple[Bar, ...]:
        return tuple(b for b in self.bars if b.figures is not None)


@dataclass(**PUBLIC)
class LinePoint:
    month: str
    value: Decimal
    x: float
    y: float


@dataclass(**PUBLIC)
class ShareLine:
    """A sparkline of one share: `path` (SVG path data, broken where a month has no figure)
    through `points`, in a `width` × `height` viewBox scaled from `low` to `high` percent."""

    width: int
    height: int
    months: tuple[str, ...]
    points: tuple[LinePoint, ...]
    path: str
    low: Decimal | None
    high: Decimal | None

    @property
    def first(self) -> LinePoint | None:
        return self.points[0] if self.points else None

    @property
    def last(self) -> LinePoint | None:
        return self.points[-1] if self.points else None

    @property
    def lowest(self) -> LinePoint | None:
        return min(self.points, key=lambda p: (p.value, p.month)) if self.points else None

    @property
    def highest(self) -> LinePoint | None:
        return max(self.points, key=lambda p: (p.value, p.month)) if self.points else None


def levels_of(figures: Figures) -> tuple[tuple[str, int, Decimal], ...]:
    """(code, count, share) of each published level of `figures`, in stack order; a level whose
    count or share is None (not published) is left out, never worked out from the others."""
    found = []
    for code in STACK_ORDER:
        field = LEVEL_FIELDS[code]
        count, value = getattr(figures, field), getattr(figures, field + "_share")
        if count is not None and value is not None:
            found.append((code, count, value))
    return tuple(found)


def _stack(figures: Figures, length: float, thickness: float, *, across: float = 0,
           upwards: bool = False) -> tuple[Segment, ...]:
    """Segments of `figures` laid along `length`: left to right (a horizontal bar `thickness`
    high), or from the bottom up (`upwards`: a vertical bar `thickness` wide whose left edge is
    at `across`). Each segment gives its far end to the white gap before the next one."""
    segments, offset = [], 0.0
    for code, count, value in levels_of(figures):
        size = float(value) * length / 100
        # A level nobody is at stays in the legend (0,00%) with nothing drawn.
        drawn = max(size - GAP, 0.5) if size > 0 else 0.0
        if upwards:
            x, y, width, height = across, length - offset - drawn, thickness, drawn
        else:
            x, y, width, height = offset, 0.0, drawn, thickness
        ink = LABEL_INK.get(code) if width >= LABEL_MIN_WIDTH and height >= 14 else None
        if not drawn:
            width = height = 0.0
        segments.append(Segment(code, count, value, round(x, 2), round(y, 2), round(width, 2), round(height, 2),
                                LEVEL_COLOURS[code], ink))
        offset += size
    return tuple(segments)


def _codes(bars: Sequence[Bar]) -> tuple[str, ...]:
    present = {s.code for b in bars for s in b.segments}
    return tuple(code for code in STACK_ORDER if code in present)


def level_bar(figures: Figures | None, month: str, width: int = 320, height: int = 28) -> LevelPicture:
    """One month as one horizontal bar, `width` long, stacked to 100% of the headcount."""
    segments = () if figures is None else _stack(figures, width, height)
    bar = Bar(month, figures, segments, width / 2, width)
    return LevelPicture("bar", width, height, (bar,), _codes([bar]), height)


def _last(series: Series, last: int | None) -> tuple[tuple[str, Figures | None], ...]:
    pairs = tuple(zip(series.months, series.figures))
    return pairs[-last:] if last else pairs


def level_series(series: Series, last: int | None = 12, width: int = 320, height: int = 140,
                 label_height: int = 18) -> LevelPicture:
    """The last `last` months of `series` (None: all), one vertical bar each, stacked to 100%;
    the bottom `label_height` of the viewBox is left for the months' labels."""
    pairs = _last(series, last)
    plot = height - label_height
    slot = width / max(len(pairs), 1)
    bar_width = slot * 0.8
    bars = []
    for index, (month, figures) in enumerate(pairs):
        left = index * slot + (slot - bar_width) / 2
        segments = () if figures is None else _stack(figures, plot, bar_width, across=left, upwards=True)
        bars.append(Bar(month, figures, segments, round(left + bar_width / 2, 2), round(bar_width, 2)))
    return LevelPicture("series", width, height, tuple(bars), _codes(bars), plot)


def share_line(series: Series, field: str = "xs_share", last: int | None = 12, width: int = 120, height: int = 32,
               pad: int = 3) -> ShareLine:
    """A sparkline of `field` (a share of Figures) over the last `last` months of `series`, its
    vertical scale from the lowest to the highest value shown (a flat line sits in the middle)."""
    pairs = _last(series, last)
    months = tuple(m for m, _ in pairs)
    values = [None if f is None else getattr(f, field) for _, f in pairs]
    known = [v for v in values if v is not None]
    if not known:
        return ShareLine(width, height, months, (), "", None, None)
    low, high = min(known), max(known)
    step = (width - 2 * pad) / max(len(pairs) - 1, 1)

    def y_of(value: Decimal) -> float:
        if high == low:
            return height / 2
        return round(height - pad - float(value - low) * (height - 2 * pad) / float(high - low), 2)

    points, commands, drawing = [], [], False
    for index, (month, value) in enumerate(zip(months, values)):
        if value is None:
            drawing = False
            continue
        point = LinePoint(month, value, round(pad + index * step, 2), y_of(value))
        points.append(point)
        commands.append(f"{'L' if drawing else 'M'}{point.x:g} {point.y:g}")
        drawing = True
    return ShareLine(width, height, months, tuple(points), " ".join(commands), low, high)
