"""Điểm chính: the brief's message in a few sentences a leader reads out at the flag ceremony.

Made from the brief's figures alone (brief.Brief: the public view and the month's notes):
how the XS share moved, the units whose XS share rose and fell most, where more people
were rated below their self-rating, the units over the XS quota, under the coverage floor
and missing. Units come by name. A figure the public view does not publish (None: a small
unit's merged counts) gives no sentence, and nothing is computed from it.

The sentences are HTML-safe text (markupsafe.Markup, every value escaped): in an English
sentence a unit's own name, which has no English form, sits in a lang="vi" span so that
the page's language is right for readers and screen readers.

The words are gettext messages whose ids are the Vietnamese sentences; the caller passes
the translations of the page's language (the site's catalog,
theme/translations/en/LC_MESSAGES/messages.po, which babel.cfg extracts from this file
too), so that plural forms and number formats follow the language.
"""
from __future__ import annotations

import gettext
from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

from generator.core.formatting import (NBSP, Language, change_unit, format_change, format_money, format_month, format_number,
                         format_percent)
from .brief import Brief
from .trends import Change

# A sentence names at most this many units, then says how many more: read aloud, a longer
# list is lost on the listener, and the page has the tables.
NAMED_UNITS = 4


def key_points(brief: Brief, lang: Language, translations: gettext.NullTranslations) -> tuple[Markup, ...]:
    """The brief's key points, in `lang`, most telling first."""
    words = _Words(lang, translations)
    notes = brief.notes
    points = [_xs_share(brief, words)]
    if notes.movers is not None:
        points += [_xs_movers(notes.movers.by_xs, notes.movers.since, words), _lowered_movers(notes.movers.by_lowered, words)]
    points += [_over_quota(brief, words), _low_coverage(brief, words), _missing(brief, words), _over_budget(brief, words)]
    return tuple(point for point in points if point)


class _Words:
    """gettext and the number formats of one language. The methods are named as gettext's
    functions so that babel's extractor finds the messages; `ngettext` fills %(count)s."""

    def __init__(self, lang: Language, translations: gettext.NullTranslations):
        self.lang, self.translations = lang, translations

    def gettext(self, message: str, **values) -> Markup:
        return escape(self.translations.gettext(message)) % values

    def ngettext(self, singular: str, plural: str, count: int, **values) -> Markup:
        return escape(self.translations.ngettext(singular, plural, count)) % dict(values, count=self.number(count))

    def name(self, unit_name: str) -> Markup:
        """A unit's own name: Vietnamese whatever the page's language."""
        return escape(unit_name) if self.lang == "vi" else Markup('<span lang="vi">%s</span>') % unit_name

    def number(self, value: int) -> str:
        return format_number(value, self.lang)

    def percent(self, value: Decimal | None) -> str:
        return format_percent(value, self.lang)

    def change(self, value: Decimal) -> str:
        return format_change(value, self.lang)

    def points(self, value: Decimal) -> str:
        """A change's size without its sign, for a sentence that says "rose" or "fell"."""
        return f"{format_number(abs(value), self.lang, places=2)}{NBSP}{change_unit(self.lang)}"

    def money(self, value: int) -> str:
        return format_money(value, self.lang)

    def month(self, value: str) -> str:
        return format_month(value, self.lang)

    def units(self, names: Sequence[str]) -> Markup:
        """Names joined as a list is read out; past NAMED_UNITS, how many more."""
        shown = Markup("; ").join(names[:NAMED_UNITS])
        rest = len(names) - NAMED_UNITS
        if rest <= 0:
            return shown
        return shown + self.ngettext("; và %(count)s đơn vị khác", "; và %(count)s đơn vị khác", rest)


def _xs_share(brief: Brief, words: _Words) -> str:
    xs = brief.xs
    if xs.share is None:
        return ""
    share = words.percent(xs.share)
    if xs.change is None:
        return words.ngettext("Tỷ lệ Hoàn thành xuất sắc nhiệm vụ là %(share)s (%(count)s người).",
                              "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ là %(share)s (%(count)s người).", xs.count, share=share)
    month, change = words.month(brief.month.previous), words.points(xs.change)
    if xs.change > 0:
        return words.ngettext(
            "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ là %(share)s (%(count)s người), tăng %(change)s so với %(month)s.",
            "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ là %(share)s (%(count)s người), tăng %(change)s so với %(month)s.",
            xs.count, share=share, change=change, month=month)
    if xs.change < 0:
        return words.ngettext(
            "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ là %(share)s (%(count)s người), giảm %(change)s so với %(month)s.",
            "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ là %(share)s (%(count)s người), giảm %(change)s so với %(month)s.",
            xs.count, share=share, change=change, month=month)
    return words.ngettext(
        "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ là %(share)s (%(count)s người), không đổi so với %(month)s.",
        "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ là %(share)s (%(count)s người), không đổi so với %(month)s.",
        xs.count, share=share, month=month)


def _xs_movers(changes: Sequence[Change], since: str, words: _Words) -> str:
    """The unit whose XS share rose most and the one whose share fell most since `since`."""
    rose = max((c for c in changes if c.xs_change > 0), key=lambda c: c.xs_change, default=None)
    fell = min((c for c in changes if c.xs_change < 0), key=lambda c: c.xs_change, default=None)
    if rose and fell:
        return words.gettext("So với %(month)s, tỷ lệ xuất sắc tăng nhiều nhất ở %(rose)s (%(rose_change)s, lên %(rose_share)s) "
                     "và giảm nhiều nhất ở %(fell)s (%(fell_change)s, còn %(fell_share)s).",
                     month=words.month(since), rose=words.name(rose.unit.name), rose_change=words.change(rose.xs_change),
                     rose_share=words.percent(rose.xs_share_now), fell=words.name(fell.unit.name),
                     fell_change=words.change(fell.xs_change), fell_share=words.percent(fell.xs_share_now))
    if rose:
        return words.gettext("So với %(month)s, tỷ lệ xuất sắc tăng nhiều nhất ở %(unit)s (%(change)s, lên %(share)s).",
                     month=words.month(since), unit=words.name(rose.unit.name), change=words.change(rose.xs_change),
                     share=words.percent(rose.xs_share_now))
    if fell:
        return words.gettext("So với %(month)s, tỷ lệ xuất sắc giảm nhiều nhất ở %(unit)s (%(change)s, còn %(share)s).",
                     month=words.month(since), unit=words.name(fell.unit.name), change=words.change(fell.xs_change),
                     share=words.percent(fell.xs_share_now))
    return ""


def _lowered_movers(changes: Sequence[Change], words: _Words) -> str:
    """The unit where the number rated below their self-rating grew most (published counts only)."""
    grew = max((c for c in changes if c.lowered_change is not None and c.lowered_change > 0),
               key=lambda c: c.lowered_change, default=None)
    if grew is None:
        return ""
    return words.ngettext("Số người bị hạ mức so với tự xếp loại tăng nhiều nhất ở %(unit)s: %(count)s người (trước đó %(before)s).",
                        "Số người bị hạ mức so với tự xếp loại tăng nhiều nhất ở %(unit)s: %(count)s người (trước đó %(before)s).",
                        grew.lowered_now, unit=words.name(grew.unit.name), before=words.number(grew.lowered_before))


def _over_quota(brief: Brief, words: _Words) -> str:
    notes = brief.notes
    limit = words.percent(notes.quota_percent)
    if not notes.over_quota:
        return words.gettext("Không đơn vị nào vượt giới hạn XS %(limit)s.", limit=limit)
    names = [words.gettext("%(unit)s %(share)s", unit=words.name(q.unit.name), share=words.percent(q.share)) for q in notes.over_quota]
    return words.ngettext("%(count)s đơn vị vượt giới hạn XS %(limit)s: %(units)s.",
                        "%(count)s đơn vị vượt giới hạn XS %(limit)s: %(units)s.",
                        len(names), limit=limit, units=words.units(names))


def _low_coverage(brief: Brief, words: _Words) -> str:
    notes = brief.notes
    floor = words.percent(notes.coverage_floor)
    if not notes.low_coverage:
        return words.gettext("Mọi đơn vị đều đánh giá từ %(floor)s số người trở lên.", floor=floor)
    names = [words.gettext("%(unit)s %(evaluated)s/%(headcount)s", unit=words.name(c.unit.name), evaluated=words.number(c.evaluated),
                   headcount=words.number(c.headcount)) for c in notes.low_coverage]
    return words.ngettext("%(count)s đơn vị đánh giá dưới %(floor)s số người: %(units)s.",
                        "%(count)s đơn vị đánh giá dưới %(floor)s số người: %(units)s.",
                        len(names), floor=floor, units=words.units(names))


def _missing(brief: Brief, words: _Words) -> str:
    notes = brief.notes
    if not notes.missing:
        return ""
    return words.ngettext("%(count)s đơn vị có số liệu %(month)s nhưng chưa có tháng này: %(units)s.",
                        "%(count)s đơn vị có số liệu %(month)s nhưng chưa có tháng này: %(units)s.",
                        len(notes.missing), month=words.month(notes.previous),
                        units=words.units([words.name(u.name) for u in notes.missing]))


def _over_budget(brief: Brief, words: _Words) -> str:
    rewards = brief.notes.rewards
    if not rewards.over_budget:
        return ""
    return words.gettext("Khen thưởng vượt ngân sách tháng: %(used)s của %(budget)s.",
                 used=words.percent(rewards.budget_share), budget=words.money(rewards.budget))

