"""Jinja filters: presentation of numbers, months and money, per page language."""
from __future__ import annotations

from jinja2 import pass_context

from generator import formatting


def _lang(context) -> str:
    return context.get("lang", "vi")


@pass_context
def number(context, value) -> str:
    return "–" if value is None else formatting.format_number(value, _lang(context))


@pass_context
def percent(context, value) -> str:
    return formatting.format_percent(value, _lang(context))


@pass_context
def change(context, value) -> str:
    return formatting.format_change(value, _lang(context))


@pass_context
def money(context, value) -> str:
    return "–" if value is None else formatting.format_money(value, _lang(context))


@pass_context
def month(context, value, style="short") -> str:
    return formatting.format_month(value, _lang(context), style)


FILTERS = {"number": number, "percent": percent, "change": change, "money": money, "month": month}


def install_filters(generator) -> None:
    generator.env.filters.update(FILTERS)
    generator.env.add_extension("jinja2.ext.i18n")
    # Vietnamese is the source language of the templates; English comes from
    # a gettext catalog once one is installed for /en/.
    generator.env.install_null_translations(newstyle=True)
