"""The validation report an officer reads: in the terminal, and as an HTML page to open or send.

Vietnamese first; `lang="en"` gives English from the gettext catalog
`generator/round/locale/en/LC_MESSAGES/report.po`: the report's own words, and for
each problem code what it means and what to do. A problem's own message
(with its figures and names) stays in Vietnamese under the English line, so
that nothing is lost in translation. The HTML page is for officers: it is
written outside the site and is never published.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from generator.core.formatting import format_month, format_number
from generator.core.problems import Problem, Problems, Severity, _shorten

LOCALE = Path(__file__).parent / "locale"
TEMPLATES = Path(__file__).parent / "templates"

_HEADINGS = {
    Severity.ERROR: "LỖI (phải sửa trước khi công bố)",
    Severity.WARNING: "CẢNH BÁO (trang vẫn được tạo; nên kiểm tra)",
    Severity.INFO: "GHI CHÚ",
}
_STATES = {
    "new": "mới, chưa có trong kho",
    "changed": "khác bản đã lưu (đính chính)",
    "same": "đọc lại, không đổi",
    "stored": "đã có trong kho",
}
_KINDS = {"people": "từng người", "units": "tổng hợp theo đơn vị"}
# In the terminal, at most this many problems of one kind (code); the HTML report has them all.
SHOWN_PER_KIND = {Severity.ERROR: 10, Severity.WARNING: 5, Severity.INFO: 5}


# --- words in the reader's language ------------------------------------------


@lru_cache(maxsize=None)
def _catalog(lang: str) -> dict[tuple[str | None, str], str]:
    if lang == "vi":
        return {}
    from babel.messages.pofile import read_po

    with open(LOCALE / lang / "LC_MESSAGES" / "report.po", "rb") as handle:
        catalog = read_po(handle)
    return {(m.context, m.id): m.string for m in catalog if m.id and m.string}


def translate(text: str, lang: str, **values) -> str:
    translated = _catalog(lang).get((None, text), text)
    return translated % values if values else translated


def explanation(code: str, lang: str) -> str | None:
    """What a problem code means, in `lang` (None in Vietnamese: the message itself says it)."""
    return _catalog(lang).get(("problem", code))


def advice(code: str, lang: str) -> str | None:
    return _catalog(lang).get(("suggestion", code))


# --- the summary -----------------------------------------------------------------


@dataclass(frozen=True)
class MonthLine:
    month: str
    kind: str  # "people" or "units"
    rows: int
    units: int
    state: str  # "new", "changed", "same" or "stored"


@dataclass(frozen=True)
class Summary:
    data: str
    files_read: tuple[str, ...]
    files_skipped: tuple[str, ...]  # already in the store
    months: tuple[MonthLine, ...]
    units: int  # distinct units with data in any month

    @classmethod
    def of(cls, loaded, data_folder: Path) -> Summary:
        """The summary of a `pipeline.Loaded`."""
        states = {m.month: m.status for m in loaded.update.months}
        lines = []
        counts = loaded.all_months.units
        for (month, source), codes in counts.groupby(["month", "source"], sort=True):
            # A person-level month counts its rows by unit; a summary has one row per unit.
            rows = int(codes["headcount"].sum()) if source == "people" else len(codes)
            lines.append(MonthLine(str(month), "people" if source == "people" else "units", rows,
                                   int(codes["unit_code"].nunique()), states.get(month, "stored")))
        units = set(counts["unit_code"].dropna())
        return cls(
            str(data_folder.resolve()),
            tuple(f.name for f in loaded.inputs.read),
            tuple(f.name for f in loaded.inputs.skipped),
            tuple(sorted(lines, key=lambda m: m.month)),
            len(units),
        )


# --- the terminal -------------------------------------------------------------------


def render(problems: Problems, lang: str = "vi", summary: Summary | None = None) -> str:
    lines: list[str] = []
    if summary is not None:
        lines += _summary_lines(summary, problems, lang) + [""]
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        items = [p for p in problems.items if p.severity is severity]
        if not items:
            continue
        lines.append(f"{translate(_HEADINGS[severity], lang)}: {len(items)}")
        per_kind = Counter(p.code for p in items)
        shown: Counter = Counter()
        for problem in items:
            shown[problem.code] += 1
            if shown[problem.code] > SHOWN_PER_KIND[severity]:
                continue
            first, *rest = render_problem(problem, lang).split("\n")
            lines.append(f"  - {first}")
            lines.extend(f"    {line}" for line in rest)
            if shown[problem.code] == SHOWN_PER_KIND[severity] and per_kind[problem.code] > shown[problem.code]:
                lines.append("    " + translate("… và %(count)s mục cùng loại nữa [%(code)s] (đủ cả trong báo cáo HTML của lệnh validate).",
                                                lang, count=per_kind[problem.code] - shown[problem.code], code=problem.code))
        lines.append("")
    lines.append(totals(problems, lang))
    return "\n".join(lines)


def summary(problems: Problems) -> str:
    return totals(problems, "vi")


def totals(problems: Problems, lang: str = "vi") -> str:
    counts = Counter(p.severity for p in problems.items)
    return translate("%(errors)s lỗi, %(warnings)s cảnh báo.", lang,
                     errors=counts[Severity.ERROR], warnings=counts[Severity.WARNING])


def _summary_lines(summary: Summary, problems: Problems, lang: str) -> list[str]:
    counts = Counter(p.severity for p in problems.items)
    t = lambda text: translate(text, lang)  # noqa: E731
    lines = [
        f"{t('Thư mục dữ liệu')}: {summary.data}",
        f"{t('Tệp đã đọc')}: {len(summary.files_read)}",
    ]
    if summary.files_skipped:
        lines.append(f"{t('Tệp đã có trong kho, không đọc lại')}: {len(summary.files_skipped)}")
    lines.append(f"{t('Tháng có dữ liệu')}: {len(summary.months)}")
    for m in summary.months:
        sizes = translate("%(rows)s dòng, %(units)s đơn vị", lang,
                          rows=format_number(m.rows, lang), units=format_number(m.units, lang))
        lines.append(f"  {format_month(m.month, lang)}: {sizes} ({t(_KINDS[m.kind])}; {t(_STATES[m.state])})")
    lines += [
        f"{t('Đơn vị')}: {format_number(summary.units, lang)}",
        f"{t('Lỗi')}: {counts[Severity.ERROR]}",
        f"{t('Cảnh báo')}: {counts[Severity.WARNING]}",
    ]
    return lines


def location(problem: Problem, lang: str) -> str:
    return problem.location(lambda word: translate(word, lang))


def render_problem(problem: Problem, lang: str = "vi") -> str:
    """One problem in plain words; a message over several lines keeps its lines."""
    if lang == "vi":
        text = problem.render()
        if "\n" in problem.message and problem.suggestion:
            text = text.replace(f" Gợi ý: {problem.suggestion}", f"\nGợi ý: {problem.suggestion}")
        return text
    where = location(problem, lang)
    meaning = explanation(problem.code, lang) or problem.message
    text = f"{where}: {meaning}" if where else meaning
    if problem.value is not None:
        text += f" {translate('Giá trị', lang)}: “{_shorten(problem.value)}”."
    if problem.details:
        text += f" {translate('Chi tiết', lang)}: {problem.details}."
    suggestion = advice(problem.code, lang)
    if suggestion:
        text += f" {translate('Gợi ý', lang)}: {suggestion}"
    if explanation(problem.code, lang):
        text += f" [{problem.code}]\n({translate('Bản tiếng Việt', lang)}) " + render_problem(problem, "vi")
    return text


# --- the HTML page ---------------------------------------------------------------------


def verdict(problems: Problems, lang: str) -> str:
    if problems.has_errors:
        return translate("Có lỗi: chưa thể công bố. Sửa các lỗi dưới đây rồi kiểm tra lại.", lang)
    if problems.warnings:
        return translate("Không có lỗi; có cảnh báo nên xem lại trước khi công bố.", lang)
    return translate("Dữ liệu sạch: không có lỗi, không có cảnh báo.", lang)


def render_html(problems: Problems, summary: Summary, lang: str = "vi") -> str:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                              trim_blocks=True, lstrip_blocks=True)
    environment.globals.update(t=lambda text: translate(text, lang), lang=lang)
    sections = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        items = [p for p in problems.items if p.severity is severity]
        if items:
            sections.append((severity.value, translate(_HEADINGS[severity], lang), [_html_row(p, lang) for p in items]))
    counts = Counter(p.severity for p in problems.items)
    months = [
        (format_month(m.month, lang), format_number(m.rows, lang), format_number(m.units, lang),
         translate(_KINDS[m.kind], lang), translate(_STATES[m.state], lang))
        for m in summary.months
    ]
    return environment.get_template("validation-report.html").render(
        summary=summary, months=months, sections=sections, verdict=verdict(problems, lang),
        errors=counts[Severity.ERROR], warnings=counts[Severity.WARNING], units=format_number(summary.units, lang),
    )


def _html_row(problem: Problem, lang: str) -> dict:
    if lang == "vi":
        message, suggestion, original = problem.message, problem.suggestion, None
    else:
        message = explanation(problem.code, lang) or problem.message
        suggestion = advice(problem.code, lang) or problem.suggestion
        original = problem.render() if explanation(problem.code, lang) else None
    return {"where": location(problem, lang), "message": message, "value": problem.value, "suggestion": suggestion,
            "original": original, "code": problem.code, "details": problem.details if lang != "vi" else None}


def write_html(path: Path, problems: Problems, summary: Summary, lang: str = "vi") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(problems, summary, lang), "utf-8")
    return path
