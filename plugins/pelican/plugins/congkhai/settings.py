"""Where the generator finds its public view."""
from __future__ import annotations

import logging
from pathlib import Path

from generator.round import report
from generator.core.config import SettingsError
from generator.core.formatting import format_month
from generator.round.pipeline import DataFolder, prepare
from generator.view.public import SiteView

log = logging.getLogger(__name__)


class DataRefused(Exception):
    """The data folder has errors; nothing may be published."""


def site_view_from_settings(settings) -> SiteView:
    """The view handed over by `python -m generator build`, or one built here from CONGKHAI_DATA.

    The second path serves a bare `pelican` run (e.g. its autoreload): it never
    writes the store, so a month it shows that the store does not hold yet is
    said out loud, with the command that publishes it.
    """
    given = settings.get("CONGKHAI_SITE")
    if given is not None:
        return given
    folder = DataFolder(Path(settings.get("CONGKHAI_DATA", "data")).resolve())
    try:
        view, loaded = prepare(folder, settings)
    except SettingsError as error:
        raise DataRefused(f"Cài đặt không dùng được: {error}") from None
    if view is None:
        raise DataRefused(f"{report.render(loaded.problems)}\nDữ liệu ở {folder.root} có lỗi; không tạo trang.")
    fresh = [m.month for m in loaded.update.months if m.status != "same"]
    if fresh:
        months = ", ".join(format_month(m, "vi", "long").lower() for m in sorted(fresh))
        log.warning("%s có trong %s nhưng chưa có trong kho dữ liệu: lệnh pelican chỉ xem thử, không lưu tháng mới. "
                    "Để công bố, chạy: python -m generator build (hoặc make publish).", months.capitalize(), folder.exports)
    return view
