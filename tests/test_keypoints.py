"""The brief's "Điểm chính": sentences made from the month's figures, in Vietnamese and English."""
from __future__ import annotations

import dataclasses
import gettext
import re
from pathlib import Path

from pelican.plugins.congkhai import languages

from generator.core.formatting import NBSP
from generator.view.keypoints import NAMED_UNITS, key_points
from generator.view.brief import build_briefs

ROOT = Path(__file__).resolve().parent.parent

VIETNAMESE = gettext.NullTranslations()
ENGLISH = languages.translations(str(ROOT / "theme/translations"), "en")


def brief_of(plan_built, month):
    view, trends = plan_built
    return next(b for b in build_briefs(view, trends) if b.month.month == month)


def said(points) -> list[str]:
    """The sentences as read: the lang="vi" spans around unit names in English taken off."""
    return [re.sub(r'<span lang="vi">(.*?)</span>', r"\1", str(p)).replace(NBSP, " ") for p in points]


def test_the_points_say_what_moved_and_which_units_need_attention_by_name(plan_built):
    points = said(key_points(brief_of(plan_built, "2025-08"), "vi", VIETNAMESE))
    assert points == [
        # 7 XS of 30 people; in July 6 of 43.
        "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ là 23,33% (7 người), tăng 9,38 điểm % so với T7/2025.",
        "So với T7/2025, tỷ lệ xuất sắc tăng nhiều nhất ở Phòng Tài chính - Kế hoạch (+20,91 điểm %, lên 30,00%).",
        "Số người bị hạ mức so với tự xếp loại tăng nhiều nhất ở UBND phường Việt Hưng mới: 3 người (trước đó 0).",
        "1 đơn vị vượt giới hạn XS 20,00%: Phòng Tài chính - Kế hoạch 30,00%.",
        "Mọi đơn vị đều đánh giá từ 95,00% số người trở lên.",
        "1 đơn vị có số liệu T7/2025 nhưng chưa có tháng này: Trường Tiểu học Giang Biên.",
    ]
    assert not [p for p in points if "PTC" in p or "THGB" in p]  # names, not codes


def test_rise_and_fall_and_low_coverage(plan_built):
    points = said(key_points(brief_of(plan_built, "2025-07"), "vi", VIETNAMESE))
    assert ("So với T6/2025, tỷ lệ xuất sắc tăng nhiều nhất ở UBND phường Việt Hưng mới (+1,67 điểm %, lên 15,00%) "
            "và giảm nhiều nhất ở Phòng Tài chính - Kế hoạch (−0,91 điểm %, còn 9,09%).") in points
    assert "1 đơn vị đánh giá dưới 95,00% số người: Phòng Tài chính - Kế hoạch 10/11." in points
    falling = said(key_points(brief_of(plan_built, "2025-06"), "vi", VIETNAMESE))
    assert falling[0] == "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ là 13,51% (5 người), giảm 2,71 điểm % so với T5/2025."


def test_the_first_month_has_nothing_to_compare(plan_built):
    points = said(key_points(brief_of(plan_built, "2025-04"), "vi", VIETNAMESE))
    assert points[0] == "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ là 13,51% (5 người)."
    assert not [p for p in points if "So với" in p or "hạ mức" in p]


def test_english_points_have_english_numbers_and_plurals(plan_built):
    points = said(key_points(brief_of(plan_built, "2025-08"), "en", ENGLISH))
    assert points[0] == "23.33% completed their duties excellently (7 people), up 9.38 pp on Jul 2025."
    assert "1 unit is over the XS limit of 20.00%: Phòng Tài chính - Kế hoạch 30.00%." in points
    assert "1 unit had figures in Jul 2025 but has none this month: Trường Tiểu học Giang Biên." in points
    assert "Ratings below the self-rating grew most at UBND phường Việt Hưng mới: 3 people (before: 0)." in points
    # A unit's own name keeps its language in an English sentence; the rest is escaped text.
    raw = [str(p) for p in key_points(brief_of(plan_built, "2025-08"), "en", ENGLISH)]
    assert any('<span lang="vi">Phòng Tài chính - Kế hoạch</span> 30.00%' in p for p in raw)
    assert not [p for p in key_points(brief_of(plan_built, "2025-08"), "vi", VIETNAMESE) if "<span" in p]
    may = said(key_points(brief_of(plan_built, "2025-05"), "en", ENGLISH))
    assert "Ratings below the self-rating grew most at Phòng Tài chính - Kế hoạch: 1 person (before: 0)." in may


def test_a_long_list_names_a_few_units_and_counts_the_rest(plan_built):
    brief = brief_of(plan_built, "2025-08")
    over = brief.notes.over_quota[0]
    many = tuple(dataclasses.replace(over, unit=dataclasses.replace(over.unit, name=f"Đơn vị {i}")) for i in range(7))
    crowded = dataclasses.replace(brief, notes=dataclasses.replace(brief.notes, over_quota=many))
    vi = said(key_points(crowded, "vi", VIETNAMESE))
    assert ("7 đơn vị vượt giới hạn XS 20,00%: Đơn vị 0 30,00%; Đơn vị 1 30,00%; Đơn vị 2 30,00%; Đơn vị 3 30,00%; "
            "và 3 đơn vị khác.") in vi
    assert NAMED_UNITS == 4
    en = said(key_points(crowded, "en", ENGLISH))
    assert any(p.startswith("7 units are over the XS limit") and p.endswith("; and 3 other units.") for p in en)


def test_a_count_not_published_gives_no_sentence(plan_built):
    """A small unit's hạ mức is not published (None): nothing is said of it, nor worked out."""
    brief = brief_of(plan_built, "2025-08")
    hidden = tuple(dataclasses.replace(c, lowered_now=None) for c in brief.notes.movers.by_lowered)
    movers = dataclasses.replace(brief.notes.movers, by_lowered=hidden)
    quiet = dataclasses.replace(brief, notes=dataclasses.replace(brief.notes, movers=movers))
    assert not [p for p in key_points(quiet, "vi", VIETNAMESE) if "hạ mức" in p]


def test_a_unit_name_is_text_not_markup(plan_built):
    brief = brief_of(plan_built, "2025-08")
    over = brief.notes.over_quota[0]
    hostile = dataclasses.replace(over, unit=dataclasses.replace(over.unit, name="<b>Trường & Lớp</b>"))
    crowded = dataclasses.replace(brief, notes=dataclasses.replace(brief.notes, over_quota=(hostile,)))
    for lang, translations in (("vi", VIETNAMESE), ("en", ENGLISH)):
        point = next(str(p) for p in key_points(crowded, lang, translations) if "Trường" in p)
        assert "&lt;b&gt;Trường &amp; Lớp&lt;/b&gt;" in point and "<b>" not in point
