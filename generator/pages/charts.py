"""Chart figures for plotly.js as plain dicts, each with its text alternative.

One function per chart. Each returns a `Chart`: the figure as compact JSON for
a `<script type="application/json">` block (theme/static/js/charts.js draws
it with the site's partial plotly.js bundle, which holds only the bar and
scatter traces: keep every chart within those two), a sentence that says what
the chart shows, and tables with every value it draws. Figure, sentence and
tables come from the same numbers in the same function, so they cannot
disagree; tests hold them to the aggregates.

Figures carry no template (plotly.js's default look plus the few settings
below). Every level has one colour everywhere (LEVEL_COLOURS), from the
Okabe-Ito palette for colour-blind readers, with lightness steps so that
neighbouring segments of a stacked bar stay apart in greyscale print, and
with white gaps between segments.

Labels, numbers and months follow the page's language: "T10/2024" and
"12,70%" on Vietnamese pages, "Oct 2024" and "12.70%" on English ones.
"""
from __future__ import annotations

import html
import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from generator.core.config import QuotaRule
from generator.core.formatting import share
from generator.view.public import PUBLIC, UNIT_PAGE_MONTHS, Figures, MonthView
from generator.view.trends import Rewards, Series, TrendsView, UnitTrend

from . import opendata
from .chart_texts import (
    LABELS,
    LEVEL_FIELDS,
    SEPARATORS,
    DataTable,
    count_sentence,
    count_text,
    csv_table,
    format_money,
    format_month,
    format_month_tick,
    format_number,
    format_percent,
    range_sentence,
    ranking_sentence,
    rewards_sentence,
    shares_table,
    xs_sentence,
)

# Level code -> colour. Relative luminance (L*) in brackets: adjacent
# segments of a stack (XS|T|HT|K|CDG, or XS|T|HT+K|CDG) differ by 19 or more.
LEVEL_COLOURS = {
    "XS": "#0072B2",  # blue (46)
    "T": "#56B4E9",  # sky blue (70)
    "HT": "#F0E442",  # yellow (89)
    "K": "#D55E00",  # vermillion (54)
    "HT+K": "#882255",  # wine (30)
    "CDG": "#BBBBBB",  # grey (76): not evaluated
}
# Series that are not levels never reuse a level's colour.
INK = "#1b1f24"
GRID = "#d5dbe1"
RAISED_COLOUR = "#009E73"  # bluish green
LOWERED_COLOUR = "#444444"
REWARD_COLOUR = "#E69F00"  # orange
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif'
# Heights in pixels; site.css reserves the same for one and two panels, so
# that drawing a chart moves nothing on the page.
SINGLE_HEIGHT = 300
PANEL_HEIGHT = 180  # each of several panels, with its title


def chart_height(panels: int) -> int:
    return SINGLE_HEIGHT if panels == 1 else 80 + PANEL_HEIGHT * panels


CONFIG = {"displayModeBar": False, "responsive": True, "scrollZoom": False, "doubleClick": False}


@dataclass(**PUBLIC)
class Chart:
    id: str  # the page's element id of the figure's JSON block
    figure_json: str  # compact JSON, escaped for a <script type="application/json"> block
    summary: str  # the sentence that says what the chart shows
    tables: tuple[DataTable, ...]  # every value the chart draws
    height: int  # pixels, reserved before plotly.js draws
    panels: int
    # Exactly the figures drawn, as the chart's CSV download has them (see `csv_table`).
    csv_header: tuple[str, ...] = ()
    csv_rows: tuple[tuple, ...] = ()

    @property
    def figure(self) -> dict:
        return json.loads(self.figure_json)


# --- the charts -------------------------------------------------------------------


def level_shares(chart_id: str, panels: Sequence[Series], lang: str, *, panel_names: Sequence[str] | None = None) -> Chart:
    """Share of the headcount per level, month by month, stacked to 100%.

    Several series become small multiples, one panel each, on one shared
    scale (0-100%) and one shared month axis.
    """
    words = LABELS[lang]
    names = list(panel_names) if panel_names is not None else [s.name for s in panels]
    months = panels[0].months if panels else ()
    x = [format_month(m, lang) for m in months]
    count = len(panels)
    traces, tables, sentences, annotations = [], [], [], []
    for index, (series, name) in enumerate(zip(panels, names), start=1):
        axis = "" if index == 1 else str(index)
        codes = _levels_present(series.figures)
        for code in codes:
            trace = {
                "type": "bar", "name": words[code], "x": x,
                "y": [_number(getattr(f, LEVEL_FIELDS[code] + "_share")) if f else None for f in series.figures],
                "marker": {"color": LEVEL_COLOURS[code], "line": {"color": "#fff", "width": 0.5}},
                "legendgroup": code, "showlegend": index == 1 or code not in _levels_before(panels, index),
                "hovertemplate": "%{y:.2f}%",
            }
            if axis:
                trace |= {"xaxis": "x" + axis, "yaxis": "y" + axis}
            traces.append(trace)
        tables.append(shares_table(series, name if count > 1 else words["share"], codes, lang))
        sentences.append(xs_sentence(series, name if count > 1 else None, lang))
        if count > 1:
            annotations.append({
                "text": _plotly_text(name), "showarrow": False, "xref": f"x{axis} domain", "yref": f"y{axis} domain",
                "x": 0, "y": 1, "xanchor": "left", "yanchor": "bottom", "font": {"size": 12},
            })
    layout = _layout(lang, barmode="stack", bargap=0.15)
    layout["hovermode"] = "x unified"
    for index in range(1, count + 1):
        axis = "" if index == 1 else str(index)
        layout["xaxis" + axis] = _month_axis(x, months, show_labels=index == count, lang=lang) | ({"matches": "x"} if axis else {})
        layout["yaxis" + axis] = _percent_axis(0, 100)
    height = chart_height(count)
    layout["height"] = height
    if count > 1:
        layout["grid"] = {"rows": count, "columns": 1, "pattern": "independent", "ygap": 0.3}
        layout["margin"] = layout["margin"] | {"t": 24}
        layout["annotations"] = annotations
    return _chart(chart_id, {"data": traces, "layout": layout}, " ".join(sentences), tuple(tables), height, count,
                  lang=lang, x_values=months, panel_names=names if count > 1 else None, value_unit="%")


def coverage(chart_id: str, series: Series, floor_percent: Decimal, lang: str) -> Chart:
    words = LABELS[lang]
    x = [format_month(m, lang) for m in series.months]
    y = [_number(f.coverage) if f else None for f in series.figures]
    known = [v for v in y if v is not None]
    low = min([*known, float(floor_percent)]) if known else float(floor_percent)
    trace = {
        "type": "scatter", "mode": "lines+markers", "name": words["coverage"], "x": x, "y": y,
        "line": {"color": INK, "width": 2}, "marker": {"color": INK, "size": 5},
        "hovertemplate": "%{y:.2f}%<extra></extra>",
    }
    layout = _layout(lang, showlegend=False)
    layout["xaxis"] = _month_axis(x, series.months, lang=lang)
    layout["yaxis"] = _percent_axis(max(0, int(low) - 1), 100)
    layout["shapes"] = [_level_line(float(floor_percent))]
    layout["annotations"] = [_line_label(float(floor_percent), f"{words['floor']} {format_percent(floor_percent, lang)}")]
    points = [(m, f.coverage) for m, f in series.known if f.coverage is not None]
    summary = range_sentence(points, lang)
    table = DataTable(words["coverage"], (words["month"], words["coverage"]),
                      tuple((format_month(m, lang), format_percent(v, lang)) for m, v in points))
    return _chart(chart_id, {"data": [trace], "layout": layout}, summary, (table,), SINGLE_HEIGHT,
                  lang=lang, x_values=series.months, value_unit="%")


def raised_lowered(chart_id: str, series: Series, lang: str) -> Chart:
    words = LABELS[lang]
    x = [format_month(m, lang) for m in series.months]
    traces = []
    for field, colour, symbol, dash in (("raised", RAISED_COLOUR, "circle", "solid"), ("lowered", LOWERED_COLOUR, "square", "dash")):
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": words[field], "x": x,
            "y": [getattr(f, field) if f else None for f in series.figures],
            "line": {"color": colour, "width": 2, "dash": dash}, "marker": {"color": colour, "symbol": symbol, "size": 6},
            "hovertemplate": "%{y:,}",
        })
    layout = _layout(lang)
    layout["hovermode"] = "x unified"
    layout["xaxis"] = _month_axis(x, series.months, lang=lang)
    layout["yaxis"] = {"rangemode": "tozero", "tickformat": ",d", "gridcolor": GRID, "fixedrange": True, "automargin": True}
    rows = tuple(
        (format_month(m, lang), count_text(f.raised, lang), count_text(f.lowered, lang))
        for m, f in series.known if f.raised is not None or f.lowered is not None
    )
    table = DataTable(f"{words['raised']}, {words['lowered']}", (words["month"], words["raised"], words["lowered"]), rows)
    summary = " ".join(
        count_sentence(words[field], [(m, getattr(f, field)) for m, f in series.known if getattr(f, field) is not None], lang)
        for field in ("raised", "lowered")
    )
    return _chart(chart_id, {"data": traces, "layout": layout}, summary, (table,), SINGLE_HEIGHT,
                  lang=lang, x_values=series.months)


def rewards(chart_id: str, months: Sequence[Rewards], lang: str) -> Chart:
    words = LABELS[lang]
    known = [r for r in months if r.amount is not None]
    x = [format_month(r.month, lang) for r in known]
    currency = " đ" if lang == "vi" else " VND"
    trace = {
        "type": "bar", "name": words["reward_amount"], "x": x, "y": [r.amount for r in known],
        "customdata": [r.count for r in known], "marker": {"color": REWARD_COLOUR},
        "hovertemplate": "%{y:,.0f}" + currency + " · %{customdata:,} " + words["people"] + "<extra></extra>",
    }
    layout = _layout(lang, showlegend=False)
    layout["xaxis"] = _month_axis(x, [r.month for r in known], lang=lang)
    budget = known[-1].budget if known else None
    top = max([r.amount for r in known] + [budget or 0]) if known else 0
    layout["yaxis"] = _money_axis(top, lang)
    if budget:
        layout["shapes"] = [_level_line(budget)]
        layout["annotations"] = [_line_label(budget, f"{words['budget']} {format_money(budget, lang)}")]
    header = (words["month"], words["reward_count"], words["reward_amount"]) + ((words["budget"],) if budget else ())
    rows = tuple(
        (format_month(r.month, lang), format_number(r.count, lang), format_money(r.amount, lang))
        + ((format_percent(r.budget_share, lang),) if budget else ())
        for r in known
    )
    summary = rewards_sentence(known, lang)
    return _chart(chart_id, {"data": [trace], "layout": layout}, summary, (DataTable(words["reward_amount"], header, rows),),
                  SINGLE_HEIGHT, lang=lang, x_values=[r.month for r in known], value_unit=words["currency"],
                  custom_label=words["reward_count"])


def quota_ranking(chart_id: str, month: MonthView, quota: QuotaRule, lang: str) -> Chart:
    """The month's units ranked by XS share of the quota's base, with the quota line."""
    words = LABELS[lang]
    ranked = []
    for row in month.rows:
        f = row.figures
        base = f.xs + f.t if quota.base == "T+XS" else f.evaluated
        if base:
            ranked.append((Decimal(f.xs) / base, row, base))
    order = {row.unit.code: i for i, row in enumerate(month.rows)}
    ranked.sort(key=lambda item: (-item[0], order[item[1].unit.code]))
    shares = [share(row.figures.xs, base) for _, row, base in ranked]
    limit = quota.share * 100
    trace = {
        "type": "bar", "name": words["xs_of_base"][quota.base],
        "x": [row.unit.code for _, row, _ in ranked], "y": [_number(s) for s in shares],
        "hovertext": [_plotly_text(row.unit.name) for _, row, _ in ranked],
        "marker": {"color": LEVEL_COLOURS["XS"]},
        "hovertemplate": "%{hovertext}<br>%{y:.2f}%<extra></extra>",
    }
    layout = _layout(lang, showlegend=False, bargap=0.1)
    layout["xaxis"] = {"type": "category", "showticklabels": False, "title": {"text": words["ranked"]}, "fixedrange": True}
    top = max([float(limit), *[_number(s) for s in shares]]) if shares else float(limit)
    layout["yaxis"] = _percent_axis(0, max(25, int(top) + 5))
    layout["shapes"] = [_level_line(float(limit))]
    layout["annotations"] = [_line_label(float(limit), f"{words['quota']} {format_percent(limit, lang)}")]
    over = [(row, s) for (_, row, base), s in zip(ranked, shares) if Decimal(row.figures.xs) > quota.share * base]
    summary = ranking_sentence(ranked, shares, over, limit, quota, lang)
    table = DataTable(
        words["xs_of_base"][quota.base],
        (words["rank"], words["unit"], "XS", words["base"][quota.base], words["share"]),
        tuple(
            (format_number(i, lang), row.unit.name, format_number(row.figures.xs, lang), format_number(base, lang),
             format_percent(s, lang))
            for i, ((_, row, base), s) in enumerate(zip(ranked, shares), start=1)
        ),
    )
    return _chart(chart_id, {"data": [trace], "layout": layout}, summary, (table,), SINGLE_HEIGHT,
                  lang=lang, x_values=[row.unit.code for _, row, _ in ranked], x_label=words["code"], value_unit="%",
                  text_label=words["unit"], texts=[row.unit.name for _, row, _ in ranked])


def unit_beside_organisation(chart_id: str, unit: UnitTrend, organisation: Series, lang: str,
                             months: int | None = None) -> Chart:
    """The unit's shares above the organisation's; with `months`, over the last that many months
    up to the unit's last with figures (its page's months: the page does not grow with the years)."""
    words = LABELS[lang]
    own, whole = unit.series, organisation
    if months is not None:
        known = [index for index, figures in enumerate(own.figures) if figures is not None]
        end = known[-1] + 1 if known else len(own.months)
        own, whole = own.window(end - months, end), whole.window(end - months, end)
    return level_shares(chart_id, [own, whole], lang, panel_names=[unit.unit.name, words["organisation"]])


class PageCharts:
    """The charts of each page, built when a template asks, in the page's language.

    Templates call `charts.month(month, lang)`, `charts.unit(unit, lang)` and
    `charts.trends(lang)`; pages that call none load no chart code. A chart is
    asked for by its page, its page alone and its CSV, in each language, one
    after the other: the last few charts made are kept (a month's by identity,
    as block pages make their views per page), not a city's thousands.
    """

    KEPT = 16

    def __init__(self, trends: TrendsView, quota: QuotaRule, names=None):
        self._trends = trends
        self._quota = quota
        # names(name, lang): a block's or a level's name in `lang` (the theme's catalog); as it is by default.
        self._names = names or (lambda name, lang: name)
        self._made: OrderedDict = OrderedDict()

    def _once(self, key, make, keep=None):
        if key in self._made:
            self._made.move_to_end(key)
            return self._made[key][0]
        made = make()
        # `keep` (the month view keyed by its id) stays alive while cached, so its id is not reused.
        self._made[key] = (made, keep)
        if len(self._made) > self.KEPT:
            self._made.popitem(last=False)
        return made

    def month(self, month: MonthView, lang: str) -> Chart:
        return self._once(("month", id(month), lang),
                          lambda: quota_ranking("bieu-do-xep-hang", month, self._quota, lang), keep=month)

    def unit(self, code: str, lang: str) -> Chart | None:
        trend = self._trends.units.get(code)
        if trend is None:
            return None
        return self._once(("unit", code, lang), lambda: unit_beside_organisation(
            "bieu-do-don-vi", trend, self._trends.organisation, lang, months=UNIT_PAGE_MONTHS))

    def of_page(self, page: str, lang: str, *, month: MonthView | None = None, unit: str | None = None) -> list[Chart]:
        """Every chart of one page (`page`: "month", "unit" or "trends"), for its downloads and embeds."""
        if page == "month":
            return [self.month(month, lang)]
        if page == "unit":
            chart = self.unit(unit, lang)
            return [chart] if chart is not None else []
        return list(self.trends(lang).values())

    def trends(self, lang: str) -> dict[str, Chart]:
        t = self._trends
        return self._once(("trends", lang), lambda: {
            "shares": level_shares("bieu-do-ty-le", [t.organisation], lang),
            "coverage": coverage("bieu-do-danh-gia", t.organisation, t.coverage_floor, lang),
            "raised_lowered": raised_lowered("bieu-do-nang-ha", t.organisation, lang),
            "rewards": rewards("bieu-do-khen-thuong", t.rewards, lang),
            "levels": level_shares("bieu-do-theo-cap", t.levels, lang,
                                   panel_names=[self._names(s.name, lang) for s in t.levels]),
            "blocks": level_shares("bieu-do-theo-khoi", t.blocks, lang,
                                   panel_names=[self._names(s.name, lang) for s in t.blocks]),
        })


# --- sentences --------------------------------------------------------------------


# --- tables -----------------------------------------------------------------------


# --- pieces -----------------------------------------------------------------------


def _levels_present(figures: Sequence[Figures | None]) -> list[str]:
    known = [f for f in figures if f is not None]
    codes = ["XS", "T"]
    if any(not f.merged for f in known) or not known:
        codes += ["HT", "K"]
    if any(f.merged for f in known):
        codes.append("HT+K")
    return codes + ["CDG"]


def _levels_before(panels: Sequence[Series], index: int) -> set[str]:
    return {code for series in panels[: index - 1] for code in _levels_present(series.figures)}


def _layout(lang: str, **extra) -> dict:
    return {
        "font": {"family": FONT, "size": 12, "color": INK},
        "separators": SEPARATORS[lang],
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
        # Under everything, tick labels included (the container's bottom): never on the bars or the months.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "yref": "container", "y": 0, "yanchor": "bottom"},
        "hoverlabel": {"namelength": -1},
        **extra,
    }


def _month_axis(labels: Sequence[str], months: Sequence[str], show_labels: bool = True, lang: str = "vi") -> dict:
    """A category axis of months that labels only some (every 3, 6 or 12 months: six at most) with short
    labels ("T1/24"), so that labels never touch, even on a phone 360 px wide."""
    step = month_tick_step(len(months))
    ticked = [(label, month) for label, month in zip(labels, months) if (int(month[5:7]) - 1) % step == 0]
    return {"type": "category", "tickmode": "array", "tickvals": [label for label, _ in ticked],
            "ticktext": [format_month_tick(month, lang) for _, month in ticked],
            "showticklabels": show_labels, "tickangle": 0, "automargin": True, "fixedrange": True, "linecolor": INK}


def month_tick_step(count: int) -> int:
    """Every how many months a month axis of `count` months is labelled (theme/js/so-sanh.js does the same)."""
    return 1 if count <= 6 else 3 if count <= 12 else 6 if count <= 24 else 12


def _money_axis(top: int, lang: str) -> dict:
    """Amounts in đồng, labelled in millions (800 triệu / 800M): full amounts would take half a phone's width."""
    step = 1_000_000
    while top / step > 5:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if top / step <= 5:
                break
    values = list(range(0, top + step, step))
    million = " triệu" if lang == "vi" else "M"
    return {"range": [0, max(values[-1], step) * 1.02], "tickmode": "array", "tickvals": values,
            "ticktext": [format_number(v // 1_000_000, lang) + (million if v else "") for v in values],
            "gridcolor": GRID, "fixedrange": True, "automargin": True}


def _percent_axis(low: float, high: float) -> dict:
    return {"range": [low, high], "ticksuffix": "%", "gridcolor": GRID, "fixedrange": True, "automargin": True}


def _level_line(y: float) -> dict:
    return {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": y, "y1": y,
            "line": {"color": INK, "width": 1.5, "dash": "dash"}}


def _line_label(y: float, text: str) -> dict:
    return {"text": _plotly_text(text), "xref": "paper", "x": 1, "xanchor": "right", "y": y, "yanchor": "bottom",
            "showarrow": False, "bgcolor": "rgba(255,255,255,0.8)"}


def _plotly_text(text: str) -> str:
    """Text as plotly.js shows it: it reads a few HTML tags in labels, so names must not be able to make any."""
    return html.escape(text, quote=False)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _chart(chart_id: str, figure: dict, summary: str, tables: tuple[DataTable, ...], height: int, panels: int = 1,
           *, lang: str, x_values: Sequence[str], x_label: str | None = None,
           panel_names: Sequence[str] | None = None, value_unit: str = "", text_label: str | None = None,
           texts: Sequence[str] | None = None, custom_label: str | None = None) -> Chart:
    figure["layout"].setdefault("height", height)
    figure["config"] = CONFIG
    words = LABELS[lang]
    header, rows = csv_table(figure["data"], x_values, x_label or words["month"], panel_names=panel_names,
                             panel_label=words["panel"], value_unit=value_unit, text_label=text_label, texts=texts,
                             custom_label=custom_label)
    return Chart(chart_id, figure_json(figure), summary, tables, height, panels, header, rows)


def figure_json(figure: dict) -> str:
    """Compact JSON that cannot end its <script> block or open a comment there."""
    text = json.dumps(figure, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def to_csv(chart: Chart) -> bytes:
    """The chart's CSV download: exactly its figures (`csv_header`, `csv_rows`), written as the open data is."""
    columns = chart.csv_header
    return opendata.to_csv(opendata.Table(
        path="", columns=columns, rows=tuple(dict(zip(columns, row)) for row in chart.csv_rows), title="", description=""))
