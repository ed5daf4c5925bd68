"""Jinja filters and globals: numbers, months and money, and addresses, per page language."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import TemplateNotFound, pass_context, pass_environment
from markupsafe import Markup, escape

from generator.core import addresses
from generator.core import formatting
from generator.view import keypoints
from generator.pages import pictures

from . import languages


def _lang(context) -> str:
    # Two dict lookups rather than Context.get: tables call this once per cell.
    return context.vars.get("lang") or context.parent.get("lang") or languages.DEFAULT


def _memo(function):
    """`function` remembering its results. Tables repeat the same small counts and shares
    thousands of times and babel takes ~10 µs a call. The key holds the value's type and
    text, because 1, True and Decimal("1.00") are equal keys to a dict but print differently."""
    results: dict = {}

    def remembered(value, *args):
        key = (type(value), str(value), args)
        try:
            return results[key]
        except KeyError:
            results[key] = found = function(value, *args)
            return found

    return remembered


_format_number = _memo(formatting.format_number)
_format_percent = _memo(formatting.format_percent)
_format_change = _memo(formatting.format_change)
_format_money = _memo(formatting.format_money)
_format_month = _memo(formatting.format_month)


@pass_context
def number(context, value) -> str:
    return formatting.EN_DASH if value is None else _format_number(value, _lang(context))


@pass_context
def percent(context, value) -> str:
    return _format_percent(value, _lang(context))


@pass_context
def change(context, value, unit=True) -> str:
    """A change in percentage points; `change(false)`: without "điểm %", which the column header says."""
    return _format_change(value, _lang(context), unit)


@pass_context
def change_unit(context) -> str:
    return formatting.change_unit(_lang(context))


@pass_context
def money(context, value) -> str:
    return formatting.EN_DASH if value is None else _format_money(value, _lang(context))


@pass_context
def money_short(context, value) -> str:
    """An amount in millions or billions, for a figure set large (the exact one goes beside it)."""
    return formatting.EN_DASH if value is None else formatting.format_money_short(value, _lang(context))


@pass_context
def month(context, value, style="short") -> str:
    return _format_month(value, _lang(context), style)


@pass_context
def href(context, path: str, lang: str | None = None) -> str:
    """The link to a page given by its address (e.g. "thang/2024-10/"), in the page's language
    or in `lang`. Files that exist once for both languages (CSS, downloads) are linked
    as `{{ SITEURL }}/path` instead."""
    return f"{context['SITEURL']}/{languages.localise(path, lang or _lang(context))}"


@pass_context
def page_path(context) -> str:
    """The address of the page being written, without its language folder."""
    if context.get("page_url") is not None:
        return context["page_url"]
    for name in ("page", "article"):
        content = context.get(name)
        if content is not None and hasattr(content, "url"):
            return content.url
    return ""


@pass_environment
def has_template(env, name: str) -> bool:
    """Whether the theme has a template, i.e. whether the pages it writes exist."""
    try:
        env.get_template(name)
    except TemplateNotFound:
        return False
    return True


FILTERS = {"number": number, "percent": percent, "change": change, "money": money, "money_short": money_short,
           "month": month, "href": href}


@pass_context
def day(context, value) -> str:
    """A date (e.g. of a correction): 20/11/2026, or 20 Nov 2026 on English pages."""
    return formatting.format_date(value, _lang(context))


FILTERS["day"] = day


def data_term(settings, name: str, lang: str) -> str:
    """A name from the data (a block, a level, a unit) in `lang`: its translation in the theme's
    catalog (messages.po, "Names from the data") where it has one, else the name as it is."""
    if lang == languages.DEFAULT or not name:
        return name
    return languages.translations(_catalog_folder(settings["THEME"]), lang).gettext(name)


@pass_context
def term(context, name: str) -> str:
    """A name from the data as plain text (titles, attributes): translated where the catalog can."""
    return data_term(context, name, _lang(context))


@pass_context
def named(context, name: str) -> Markup:
    """A name from the data in running text: its translation where the catalog has one; else, on
    a page in another language, the Vietnamese name marked lang="vi" (a unit's own name has no
    English form), so that the page's language stays right for readers and screen readers."""
    lang = _lang(context)
    shown = data_term(context, name, lang)
    if lang != languages.DEFAULT and shown == name and name:
        return Markup('<span lang="%s">%s</span>') % (languages.DEFAULT, name)
    return escape(shown)


FILTERS.update(term=term, named=named)
GLOBALS = {
    "page_path": page_path, "change_unit": change_unit, "has_template": has_template, "addresses": addresses, "json_beside": addresses.json_beside,
    "LANGUAGES": languages.LANGUAGES, "LANGUAGE_NAMES": languages.NAMES,
    # Geometry of the inline SVG pictures (_level_picture.html): pictures.level_bar(...) etc.
    "pictures": pictures,
}


def translations_folder(settings) -> Path:
    return Path(_catalog_folder(settings["THEME"]))


@lru_cache(maxsize=None)
def _catalog_folder(theme: str) -> str:
    # Pages name blocks and levels in every row: 600,000 lookups on a 60-month city, and a Path costs µs.
    return str(Path(theme) / "translations")


def install_filters(generator) -> None:
    generator.env.filters.update(FILTERS)
    generator.env.globals.update(GLOBALS)
    folder = str(translations_folder(generator.settings))
    languages.install(generator.env, folder)

    @pass_context
    def key_points(context, brief) -> tuple[Markup, ...]:
        """The brief's "Điểm chính" sentences (generator/view/keypoints.py) in the page's language."""
        lang = _lang(context)
        return keypoints.key_points(brief, lang, languages.translations(folder, lang))

    generator.env.globals["key_points"] = key_points
