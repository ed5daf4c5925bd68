"""Building the site from a data folder: load and validate it, refuse with the problems or
write the site (Pelican, the leak check, the store's commit before the swap), and say
what was done.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from generator.core import space, timings
from generator.core.config import SettingsError, read_settings_file, settings_problems
from generator.core.formatting import format_number
from generator.round import report
from generator.round.pipeline import DataFolder, prepare
from generator.round.serve import site_path


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
    from generator.core.formatting import format_month
    from generator.round import briefpdf

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
    print(f"Đã in {len(printed)} bản tin PDF trong {format_number(seconds, places=1)} giây: {output}/{briefpdf.pdf_path('YYYY-MM')}"
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
               refusals: list[str] | None = None, preview_hint: bool = True, also_needed: int = 0) -> int:
    """Validate, build into `output` atomically, and (if `record`) keep the new months in the store.

    Why a build was refused goes to standard error, and also to `refusals` when given (the preview shows it).
    A disk with less room than the last site in `output` took (plus `also_needed`, what the caller writes
    beside it) is refused before anything is read: an OSError that the command line says in one line.
    """
    started = time.perf_counter()
    space.require_free(output.parent, (space.folder_bytes(output) if output.is_dir() else 0) + also_needed)

    def refuse(text: str, report_text: str = "") -> int:
        if report_text:
            print(report_text + "\n")
        print(text, file=sys.stderr)
        if refusals is not None:
            refusals.append(f"{report_text}\n\n{text}" if report_text else text)
        return 1

    unchanged = _unchanged(args, settings_file, output, site_url) if record else None
    if unchanged is not None and not getattr(args, "full", False) and unchanged.nothing_new():
        from .site_folder import clear_killed_builds

        clear_killed_builds(output)
        args.nothing_new = True
        if getattr(args, "timings", None):
            timings.write(args.timings, total=time.perf_counter() - started, files=0, nothing_new=True)
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
    from generator.round.leak_scan import LeakFound
    from generator.round.leakcheck import LeakCheck
    from generator.store.record import StoreChanged
    from generator.view.announcement import ContentRefused

    from .render import write_site
    from .site_folder import build_folder

    recorded: list = []

    def keep() -> None:
        with space.writing_to(loaded.store.root):
            recorded.extend(loaded.store.commit(loaded.update))
    try:
        with timings.stage(timings.LEAK_CHECK):
            leak_check = LeakCheck(loaded.all_months.private, loaded.withheld, view, build_folder(output.resolve()))
        count = write_site(view, settings_file, output, site_url, before_swap=keep if record else None, check=leak_check,
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
    kept = f" ({format_number(count - carried)} tệp tạo mới, {format_number(carried)} tệp không đổi giữ từ lần trước)" if carried else ""
    print(f"Đã tạo {format_number(count)} tệp{kept} trong {format_number(seconds, places=1)} giây: {index}")
    print(leak_check.summary())
    print(_merges_summary(view))
    if record and preview_hint and site_url:  # absolute links: served as they are, they would lead to the real address
        print(f"Xem thử: python -m generator serve --dist {output} --site-url {site_url}  →  "
              f"http://localhost:8000{site_path(site_url)}/")
    elif record and preview_hint:
        print(f"Xem thử: python -m http.server -d {output} 8000  →  http://localhost:8000/")
    return 0


def _unchanged(args, settings_file: Path, output: Path, site_url: str | None):
    """What the last build into `output` was made from, to stop early when nothing changed
    (None without a data folder: the build says so, further on)."""
    from .render import pelican_settings
    from .unchanged import Unchanged

    if not args.data.is_dir():
        return None
    checked_settings(settings_file)  # a settings file that cannot be used is refused here as in any build
    return Unchanged(pelican_settings(settings_file, output.resolve(), None, None, site_url), args.data, output)


def _merges_summary(view) -> str:
    """What the small-unit rule hid, so that an officer is not surprised by a merged unit of 13 staff."""
    rows = [row.figures for month in view.months for row in month.rows]
    blocks = sum(1 for month in view.months for block in month.blocks if block.subtotal.protects)
    small = sum(1 for f in rows if f.merged and not f.protects)
    protecting = sum(1 for f in rows if f.protects)
    line = f"Gộp HT+K: {format_number(small)} đơn vị-tháng có ít người được đánh giá"
    if protecting or blocks:
        line += f"; gộp thêm {format_number(protecting)} đơn vị-tháng và {format_number(blocks)} tổng khối để bảo vệ đơn vị nhỏ"
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
