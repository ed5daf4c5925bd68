"""Building the site from a data folder: load and validate it, refuse with the problems or
write the site (Pelican, the leak check, the store's commit before the swap), and say
what was done.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from generator.round import report
from generator.core import timings
from generator.core.config import SettingsError, read_settings_file, settings_problems
from generator.round.pipeline import DataFolder, prepare


def checked_settings(path: Path) -> dict:
    """The settings of `path`, every CONGKHAI_* one checked; SettingsError lists each that cannot be used."""
    settings = read_settings_file(path)
    bad = settings_problems(settings)
    if bad:
        raise SettingsError("\n".join(bad))
    return settings


def print_bad_settings(path: Path, lines: list[str], lang: str = "vi") -> None:
    """One line per bad setting; in English the setting and its value stay, what is allowed is translated."""
    print(report.translate("Cài đặt không dùng được (%(file)s); sửa rồi chạy lại:", lang, file=Path(path).resolve()),
          file=sys.stderr)
    for line in lines:
        setting, separator, allowed = line.partition(": ")
        print(f"  - {setting}{separator}{report.translate(allowed, lang)}", file=sys.stderr)


def load(args, with_view: bool = True) -> tuple:
    settings = checked_settings(args.settings)
    if not args.data.is_dir():
        print(f"Không có thư mục dữ liệu {args.data.resolve()} (--data {args.data}, chạy từ {Path.cwd()}). "
              "Chạy lệnh trong thư mục dự án, hoặc chỉ rõ thư mục bằng --data.", file=sys.stderr)
        return None, None, settings
    view, loaded = prepare(DataFolder(args.data), settings, getattr(args, "correction", None), with_view)
    return view, loaded, settings


def print_brief_pdfs(output: Path, site_url: str | None) -> int:
    """The briefs of the built site as one-page PDFs, when Chromium is here."""
    from generator.round import briefpdf
    from generator.core.formatting import format_month

    chromium = briefpdf.find_chromium()
    if chromium is None:
        print(f"Bỏ qua bản tin PDF: không có Chromium ({briefpdf.CHROMIUM}).")
        return 0
    started = time.perf_counter()
    try:
        printed = briefpdf.print_briefs(output, briefpdf.brief_months(output), chromium, site_url)
    except briefpdf.PrintFailed as error:
        print(f"{error}\nTrang web đã tạo xong; chỉ thiếu bản tin PDF.", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    print(f"Đã in {len(printed)} bản tin PDF trong {seconds:.1f} giây: {output}/{briefpdf.pdf_path('YYYY-MM')}"
          f" (tiếng Anh: {briefpdf.pdf_path('YYYY-MM', 'en')})")
    for brief in printed:
        if brief.pages != 1:
            print(f"Chú ý: bản tin {format_month(brief.month)} ({brief.lang}) dài {brief.pages} trang A4 ({brief.path}).")
    return 0


def _kept(output: Path) -> str:
    """What became of the published site when a build stops."""
    if (output / "index.html").is_file():
        return f"Trang đã có ở {output.resolve()}/ được giữ nguyên."
    return f"Chưa có trang nào ở {output.resolve()}/; không có gì được ghi."


def build_site(args, settings_file: Path, output: Path, site_url: str | None, *, record: bool,
               refusals: list[str] | None = None) -> int:
    """Validate, build into `output` atomically, and (if `record`) keep the new months in the store.

    Why a build was refused goes to standard error, and also to `refusals` when given (the preview shows it).
    """
    started = time.perf_counter()

    def refuse(text: str, report_text: str = "") -> int:
        if report_text:
            print(report_text + "\n")
        print(text, file=sys.stderr)
        if refusals is not None:
            refusals.append(f"{report_text}\n\n{text}" if report_text else text)
        return 1

    unchanged = _unchanged(args, settings_file, output, site_url) if record else None
    if unchanged is not None and not getattr(args, "full", False) and unchanged.nothing_new():
        from pelican.plugins.congkhai.run import clear_killed_builds

        clear_killed_builds(output)
        args.nothing_new = True
        if getattr(args, "timings", None):
            timings.write(args.timings, total=time.perf_counter() - started, files=0)
        print(f"Không có gì mới: dữ liệu, thông báo, mã nguồn, cài đặt và trang đã tạo đều như lần tạo trước; "
              f"trang ở {output.resolve()}/ được giữ nguyên.")
        return 0
    view, loaded, _ = load(args)
    if loaded is None:  # _load has said why
        if refusals is not None:
            refusals.append(f"Không có thư mục dữ liệu {args.data.resolve()}.")
        return 1
    problems = loaded.problems
    if view is None:
        return refuse(f"Không tạo trang: dữ liệu có lỗi. {_kept(output)}", report.render(problems))
    if problems.warnings:
        print(report.render(problems))
    # Pelican only past validation
    from pelican.plugins.congkhai.carry import build_folder
    from pelican.plugins.congkhai.run import write_site

    from generator.view.announcement import ContentRefused
    from generator.round.leakcheck import LeakCheck, LeakFound
    from generator.store.record import StoreChanged

    recorded: list = []
    keep = (lambda: recorded.extend(loaded.store.commit(loaded.update))) if record else None
    try:
        with timings.stage(timings.LEAK_CHECK):
            leak_check = LeakCheck(loaded.all_months.private, loaded.withheld, view, build_folder(output.resolve()))
        count = write_site(view, settings_file, output, site_url, before_swap=keep, check=leak_check,
                           after_swap=leak_check.save, full=getattr(args, "full", False))
        if record:  # from here on, an interruption leaves the new site published (a preview publishes nothing)
            args.site_written = output.resolve()
            if unchanged is not None:
                unchanged.save()
    except LeakFound as leak:
        return refuse(f"{leak.render()}\nKhông tạo trang. {_kept(output)}")
    except (ContentRefused, StoreChanged) as refusal:
        return refuse(f"{refusal}\nKhông tạo trang. {_kept(output)}")
    seconds = time.perf_counter() - started
    if getattr(args, "timings", None):
        timings.write(args.timings, total=seconds, files=count)
    _print_store_changes(loaded, recorded, args.data, record)
    index = output.resolve() / "index.html"
    carried = timings.counted().get("carried", 0)
    kept = f" ({count - carried} tệp tạo mới, {carried} tệp không đổi giữ từ lần trước)" if carried else ""
    print(f"Đã tạo {count} tệp{kept} trong {seconds:.1f} giây: {index}")
    print(leak_check.summary())
    print(_merges_summary(view))
    if record:
        print(f"Xem thử: python -m http.server -d {output} 8000  →  http://localhost:8000/")
    return 0


def _unchanged(args, settings_file: Path, output: Path, site_url: str | None):
    """What the last build into `output` was made from, to stop early when nothing changed
    (None without a data folder: the build says so, further on)."""
    from pelican.plugins.congkhai.carry import Unchanged
    from pelican.plugins.congkhai.run import pelican_settings

    if not args.data.is_dir():
        return None
    checked_settings(settings_file)  # a settings file that cannot be used is refused here as in any build
    return Unchanged(pelican_settings(settings_file, output.resolve(), None, site_url), args.data, output)


def _merges_summary(view) -> str:
    """What the small-unit rule hid, so that an officer is not surprised by a merged unit of 13 staff."""
    rows = [row.figures for month in view.months for row in month.rows]
    blocks = sum(1 for month in view.months for block in month.blocks if block.subtotal.protects)
    small = sum(1 for f in rows if f.merged and not f.protects)
    protecting = sum(1 for f in rows if f.protects)
    line = f"Gộp HT+K: {small} đơn vị-tháng có ít người được đánh giá"
    if protecting or blocks:
        line += f"; gộp thêm {protecting} đơn vị-tháng và {blocks} tổng khối để bảo vệ đơn vị nhỏ cùng khối"
    return line + ". Kiểm tra cộng trừ: không số đã gộp nào suy ra được."


def _print_store_changes(loaded, recorded: list, data: Path, record: bool) -> None:
    from generator.core.formatting import format_date, format_month

    if getattr(loaded.update, "correction", None) is not None and not loaded.update.of("changed"):
        print("Không có tháng nào khác bản đã lưu; lý do đính chính (--correction) không được dùng.")
    if not record:
        return
    for version in recorded:
        what = "mới" if version.correction is None else (
            f"đính chính ngày {format_date(version.correction.date)}: {version.correction.reason}")
        print(f"Đã lưu vào kho {data / 'store' / version.file}: {format_month(version.month, 'vi', 'long').lower()} ({what}).")
