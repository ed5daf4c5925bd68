"""Command line: `python -m generator build | validate | demo | new-month | serve | publish`."""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from generator import helptext
from generator.core import memory, space
from generator.core.config import SettingsError
from generator.core.formatting import format_number
from generator.round import report
from generator.round.build import build_site, checked_settings, load, print_bad_settings, print_brief_pdfs
from generator.round.pipeline import DataFolder

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS = ROOT / "pelicanconf.py"
# The address publishconf.py falls back on; a zip built with it links to nowhere.
PLACEHOLDER_SITE = "portal.example.vn"
INTERRUPTED = "Đã dừng (Ctrl+C). Trang đã công bố không thay đổi."


def main(argv: list[str] | None = None) -> int:
    memory.return_large_blocks_to_the_system()
    argv = sys.argv[1:] if argv is None else list(argv)
    lang = helptext.language(argv)
    with helptext.argparse_in(lang):
        parser = build_parser()
        helptext.translate(parser, lang)
        args = parser.parse_args(argv)
    commands = {"build": run_build, "validate": run_validate, "demo": run_demo, "new-month": run_new_month,
                "serve": run_serve, "publish": run_publish, "convert-font": run_convert_font}
    try:
        return commands[args.command](args)
    except SettingsError as error:
        print_bad_settings(getattr(args, "settings", DEFAULT_SETTINGS), str(error).splitlines(), getattr(args, "lang", "vi"))
        return 1
    except OSError as error:  # a full, read-only or forbidden disk: one line, whichever folder it was
        if not space.is_disk_error(error):
            raise
        print(space.explain(error, getattr(args, "lang", None) or args.help_lang or "vi",
                            getattr(error, "congkhai_unchanged", None)),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        written = getattr(args, "site_written", None)
        print(f"\nĐã dừng (Ctrl+C); trang mới đã được tạo xong ở {written}." if written else f"\n{INTERRUPTED}",
              file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    """The commands and their options; their help texts are English message ids (helptext.py has the Vietnamese)."""
    parser = argparse.ArgumentParser(prog="python -m generator",
                                     description="congkhai: the public site of each month's staff ratings.")
    parser.add_argument("--lang", dest="help_lang", choices=("vi", "en"), default=None,
                        help="language of --help (default: vi, en in an English locale)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="Build the public site from a data folder (nothing is written if the data has errors).",
                                description="Build the public site from a data folder (nothing is written if the data has errors).")
    _data_argument(build)
    build.add_argument("--output", type=Path, default=Path("output"), help="where the site goes (default: output/)")
    build.add_argument("--site-url", help="absolute address of the site, e.g. https://portal.example.vn/cong-khai (default: relative links)")
    build.add_argument("--settings", type=Path, default=DEFAULT_SETTINGS, help="Pelican settings file (default: pelicanconf.py)")
    _correction_argument(build)
    build.add_argument("--full", action="store_true",
                       help="render every file again (by default a file whose inputs did not change since the last build "
                            "into the same --output is carried over from it)")
    build.add_argument("--timings", type=Path, metavar="FILE",
                       help="write the seconds of each build stage (ingest+validate, aggregate, pages, leak check, store+swap) "
                            "to FILE as JSON, for bench/")
    build.add_argument("--pdf", action="store_true",
                       help="also print each month's brief to ban-tin/YYYY-MM/ban-tin.pdf and en/ban-tin/YYYY-MM/ban-tin.pdf with headless Chromium (skipped without it)")

    validate = commands.add_parser("validate", help="Check a data folder and report every problem; exit 1 on errors.",
                                   description="Check a data folder and report every problem; exit 1 on errors.")
    _data_argument(validate)
    validate.add_argument("--settings", type=Path, default=DEFAULT_SETTINGS, help="settings file with the policy (default: pelicanconf.py)")
    validate.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the report (default: vi)")
    validate.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    validate.add_argument("--report", type=Path,
                          help="where the HTML report goes (default: validation-report.html beside the data folder)")
    _correction_argument(validate)

    new_month = commands.add_parser("new-month", help="Write the announcement of a month: a Markdown article stub in content/.",
                                    description="Write the announcement of a month: a Markdown article stub in content/bai-viet/ "
                                                "with title, date, a summary with the month's figures and links to its pages.")
    new_month.add_argument("month", help="the month, YYYY-MM (or MM/YYYY)")
    _data_argument(new_month)
    new_month.add_argument("--settings", type=Path, default=DEFAULT_SETTINGS, help="settings file (default: pelicanconf.py)")
    new_month.add_argument("--content", type=Path, default=None, help="content folder (default: the settings' PATH, content/)")
    new_month.add_argument("--force", action="store_true", help="overwrite an existing article of that month")

    serve = commands.add_parser("serve", help="Preview: build, serve on localhost, rebuild and reload on every change.",
                                description="Preview: build, serve on http://localhost:8000/, rebuild and reload the browser "
                                            "when data, content, theme or settings change. The store is not written.")
    _data_argument(serve)
    serve.add_argument("--output", type=Path, default=Path("output"), help="where the preview is built (default: output/)")
    serve.add_argument("--settings", type=Path, default=DEFAULT_SETTINGS, help="Pelican settings file (default: pelicanconf.py)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--bind", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--dist", type=Path, nargs="?", const=Path("dist"), metavar="DIST",
                       help="serve what publish made (DIST/site/, default dist/) at its real path, e.g. "
                            "http://localhost:8000/cong-khai/, its links to the real address pointing here; nothing is built")
    serve.add_argument("--site-url", help="with --dist: the address it was built for (default: the one of the last publish)")
    _correction_argument(serve)

    publish = commands.add_parser("publish", help="Build with publishconf.py and write a dated zip to upload to the portal.",
                                  description="Build with publishconf.py (absolute links, feeds) and write dist/congkhai-YYYY-MM-DD.zip, its "
                                              "manifest (.sha256) and, after a first publish, the files changed since the "
                                              "last one (congkhai-YYYY-MM-DD-cap-nhat.zip).")
    _data_argument(publish)
    publish.add_argument("--output", type=Path, default=None, help="where the site is built (default: DIST/site/)")
    publish.add_argument("--dist", type=Path, default=Path("dist"), help="where the zip goes (default: dist/)")
    publish.add_argument("--site-url", help="absolute address of the site on the portal (required while publishconf.py "
                                            "has the placeholder portal.example.vn; or set CONGKHAI_SITE_URL)")
    publish.add_argument("--settings", type=Path, default=ROOT / "publishconf.py", help="settings file (default: publishconf.py)")
    _correction_argument(publish)
    publish.add_argument("--to", metavar="URL", default=os.environ.get("CONGKHAI_PUBLISH_TO") or None,
                         help="also upload the site there, only what changed, verified: sftp://, ftp://, ftps://, "
                              "webdav://, webdavs://, s3://BUCKET/PREFIX, file:///PATH (default: $CONGKHAI_PUBLISH_TO; "
                              "see docs/upload.md)")
    publish.add_argument("--force", action="store_true",
                         help="with --to: upload into a folder that holds files congkhai did not write (they are kept)")

    demo = commands.add_parser("demo", help="Write a synthetic demo data folder in the export format.",
                               description="Write a synthetic demo data folder in the export format.")
    demo.add_argument("--out", type=Path, required=True, help="folder to write (laid out like data/)")
    demo.add_argument("--months", type=int, default=None,
                      help="person-level months (default 24, or from 2024-11 to --last-month)")
    demo.add_argument("--last-month", metavar="YYYY-MM", default=None,
                      help="the last person-level month (default 2026-10); e.g. 2026-11 gives the shipped demo's months "
                           "and the next one, whose export can be copied into data/exports/ to try a round")
    demo.add_argument("--units", type=int, default=150, help="number of units (default 150)")
    demo.add_argument("--staff", type=int, default=5000, help="number of staff (default 5000)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    convert = commands.add_parser("convert-font", help="Write a Unicode copy of an export typed in TCVN3 (ABC) or VNI.",
                                  description="Write a Unicode copy of an .xlsx or CSV export typed in a legacy Vietnamese "
                                              "font encoding (TCVN3/ABC, VNI); only the cells in that encoding change.")
    convert.add_argument("file", type=Path, help="the export (.xlsx, .csv, .tsv, .txt)")
    convert.add_argument("--out", type=Path, help="where the copy goes (default: beside it, “NAME (Unicode).xlsx”)")

    return parser


def _data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=Path("data"),
                        help="folder laid out like data/: exports/, history/, units.csv, withheld.csv (default: data/)")


def _correction_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--correction", metavar="REASON",
                        help="publish a month that differs from the stored one, with this reason (published with the date)")


def run_validate(args) -> int:
    view, loaded, _ = load(args, with_view=False)
    if loaded is None:
        return 1
    problems = loaded.problems
    summary = report.Summary.of(loaded, args.data)
    print(report.render(problems, args.lang, summary))
    page = args.report or args.data.resolve().parent / "validation-report.html"
    with space.writing_to(page.parent):
        report.write_html(page, problems, summary, args.lang)
    print(("HTML report" if args.lang == "en" else "Báo cáo HTML") + f": {page}")
    if problems.has_errors:
        return 1
    return 1 if args.strict and problems.warnings else 0


def run_build(args) -> int:
    status = build_site(args, args.settings, args.output, args.site_url, record=True)
    if status == 0 and args.pdf and not getattr(args, "nothing_new", False):
        from generator.round.unchanged import Unchanged

        Unchanged.forget(args.output)  # the PDFs change the site the record describes
        status = print_brief_pdfs(args.output, args.site_url)
    return status


DEMO_LAST_MONTH = "2026-10"  # the shipped demo's last month (data/ is `demo --out data`)


def _months_between(first: str, last: str) -> int:
    (y1, m1), (y2, m2) = (map(int, first.split("-")), map(int, last.split("-")))
    return (y2 - y1) * 12 + m2 - m1


def _month_text(month: str) -> str:
    """2026-11 as "11/2026", as officers write it."""
    from generator.core.formatting import format_month

    return format_month(month, "vi", "long").removeprefix("Tháng ")


def run_demo(args) -> int:
    from generator.core.months import parse_month_cell
    from generator.demo.population import write_demo

    last_month = parse_month_cell(args.last_month) if args.last_month else DEMO_LAST_MONTH
    if last_month is None:
        print(f"--last-month “{args.last_month}” không phải một tháng; ghi dạng 2026-11 hoặc 11/2026.", file=sys.stderr)
        return 1
    # By default the months start where the shipped demo's do, so that a later --last-month repeats its
    # exports byte for byte and adds the months after them: the next month's export to try a round with.
    months = args.months or 24 + max(0, _months_between(DEMO_LAST_MONTH, last_month))
    try:
        with space.writing_to(args.out):
            summary = write_demo(args.out, months=months, units=args.units, staff=args.staff, seed=args.seed,
                                 last_month=last_month, continues=None if args.months else 24)
    except FileExistsError:
        print(f"Không ghi dữ liệu minh họa vào {args.out.resolve()}: thư mục này có tệp và không có dấu DEMO của dữ liệu "
              "minh họa, có thể là dữ liệu thật. Chọn một thư mục trống hoặc chưa có.", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"Không tạo được dữ liệu minh họa: {error}", file=sys.stderr)
        return 1
    print(f"Đã ghi dữ liệu minh họa vào {args.out}: {len(summary.files)} tệp, {format_number(summary.units)} đơn vị, "
          f"{format_number(summary.people)} người, {format_number(summary.people_rows)} dòng người-tháng "
          f"({_month_text(summary.months[0])}–{_month_text(summary.months[-1])}; "
          f"{len(summary.history_months)} tháng tổng hợp theo đơn vị trước đó).")
    if args.last_month:
        files = ", ".join(str(args.out / name) for name in summary.last_month_files)
        print(f"Tệp xuất của tháng {_month_text(last_month)}: {files}. Để thử một tháng mới với dữ liệu minh họa trong "
              f"data/, chép tệp đó vào data/exports/ rồi làm theo README, “Mỗi tháng”.")
    store = DataFolder(args.out).store
    if store.exists():
        # New synthetic data is a new history: months of the old set are not "published" for it.
        shutil.rmtree(store)
        print(f"Đã xóa kho {store} của bộ dữ liệu minh họa cũ; lần build sau lưu lại từ đầu.")
    return 0


def run_new_month(args) -> int:
    from generator.core.months import parse_month_cell
    from generator.view.announcement import write_stub

    month_asked = parse_month_cell(args.month)
    if month_asked is None:
        print(f"“{args.month}” không phải một tháng; ghi dạng 2026-11 hoặc 11/2026.", file=sys.stderr)
        return 1
    args.month = month_asked
    settings = checked_settings(args.settings)
    content = args.content or ROOT / settings.get("PATH", "content")
    view, loaded, _ = load(args)
    if loaded is None:
        return 1
    if view is None:
        print(report.render(loaded.problems))
        print("\nKhông viết bài: dữ liệu có lỗi.", file=sys.stderr)
        return 1
    month = next((m for m in view.months if m.month == args.month), None)
    if month is None:
        known = ", ".join(m.month for m in view.months[-6:])
        print(f"Không có dữ liệu tháng {args.month}. Các tháng gần nhất: {known}.", file=sys.stderr)
        return 1
    with space.writing_to(content / "bai-viet"):
        path, summary = write_stub(content / "bai-viet", month, demo=view.demo, force=args.force)
    if path is None:
        print(f"Đã có bài của tháng {args.month}: {summary}. Dùng --force để viết lại.", file=sys.stderr)
        return 1
    print(f"Đã viết {path}")
    print(f"Tóm tắt khi tạo trang: {summary}")
    print("Sửa câu chữ tùy ý; các chỗ {{ month.… }} được điền số liệu khi tạo trang.")
    return 0


def run_serve(args) -> int:
    from generator.round.serve import serve

    if args.dist is not None:
        return _serve_upload(args)
    checked_settings(args.settings)

    def preview() -> str | None:
        """None when the preview was rebuilt, else why not (shown in the browser)."""
        refusals: list[str] = []
        try:
            if build_site(args, args.settings, args.output, None, record=False, refusals=refusals) == 0:
                return None
        except SettingsError as error:
            print_bad_settings(args.settings, str(error).splitlines())
            refusals.append(str(error))
        except OSError as error:  # a full disk: said here and in the browser, and the preview goes on watching
            if not space.is_disk_error(error):
                raise
            print(space.explain(error, unchanged=""), file=sys.stderr)
            refusals.append(space.explain(error, unchanged=""))
        return "\n".join(refusals) or "Không tạo được trang (xem thông báo trong cửa sổ lệnh)."

    return serve(preview, output=args.output, watched=[args.data, ROOT / "content", ROOT / "theme", args.settings],
                 bind=args.bind, port=args.port)


def _serve_upload(args) -> int:
    """`serve --dist`: what publish made, at the path of the address it was made for."""
    from generator.round.publish import LAST_RECORD
    from generator.round.serve import serve_upload

    site = args.dist / "site" if (args.dist / "site" / "index.html").is_file() else args.dist
    if not (site / "index.html").is_file():
        print(f"Chưa có bản để tải lên ở {(args.dist / 'site').resolve()}: chạy make publish SITEURL=https://…/cong-khai "
              f"(python -m generator publish --site-url …) trước.", file=sys.stderr)
        return 1
    site_url = args.site_url
    if site_url is None:
        import json

        try:
            site_url = json.loads((args.dist / LAST_RECORD).read_text("utf-8"))["site_url"]
        except (OSError, ValueError, KeyError, TypeError):
            print(f"Không biết {site.resolve()} được tạo cho địa chỉ nào (không đọc được {(args.dist / LAST_RECORD).resolve()}): "
                  "thêm --site-url https://…/cong-khai, đúng địa chỉ đã dùng khi tạo.", file=sys.stderr)
            return 1
    return serve_upload(site, site_url, bind=args.bind, port=args.port)


def run_publish(args) -> int:
    from generator.round.publish import last_zip_size
    from generator.round.serve import site_path

    settings = checked_settings(args.settings)
    if args.site_url is None and PLACEHOLDER_SITE in str(settings.get("SITEURL", "")):
        print(f"Chưa có địa chỉ thật của trang: {args.settings.name} đang dùng địa chỉ mẫu {settings['SITEURL']}, "
              "nên mọi liên kết tuyệt đối và nguồn tin (feed) trong tệp zip sẽ trỏ sai. Chạy lại với địa chỉ của trang "
              "trên cổng thông tin: make publish SITEURL=https://ten-cong.gov.vn/cong-khai (hay python -m generator "
              f"publish --site-url …), hoặc đặt SITEURL = \"https://…\" một lần trong {args.settings.resolve()} "
              "(hay biến môi trường CONGKHAI_SITE_URL).", file=sys.stderr)
        return 1
    if args.to:
        from generator.round.remote import destination_problem
        problem = destination_problem(args.to)
        if problem:
            print(problem, file=sys.stderr)
            return 1
    output = args.output or args.dist / "site"
    # The zips need room beside the site: about what the last full one took.
    status = build_site(args, args.settings, output, args.site_url, record=True, preview_hint=False,
                        also_needed=last_zip_size(args.dist))
    if status:
        return status
    site_url = str(args.site_url or settings.get("SITEURL", "")).rstrip("/")
    try:
        with space.writing_to(args.dist):
            full = _write_upload(args, output, site_url)
    except OSError as error:
        if space.is_disk_error(error):  # the build is done by now: say what is there and what is missing
            error.congkhai_unchanged = (f"Trang mới đã tạo xong ở {output.resolve()} và kho dữ liệu đã cập nhật; chỉ "
                                        f"chưa ghi được các tệp zip vào {args.dist.resolve()} (không có tệp dở dang nào). "
                                        "Chạy lại lệnh sau khi giải phóng chỗ.")
        raise
    if args.to:
        from generator.round.remote import upload

        print(f"Tệp zip đầy đủ (cho cổng chỉ nhận tải lên qua biểu mẫu): {full}")
        return upload(output, site_url, args.to, force=args.force)
    dist = "" if args.dist == Path("dist") else f" {args.dist}"
    print(f"Xem trước bản sẽ tải lên: make preview{' DIST=' + str(args.dist) if dist else ''} (hay python -m generator serve "
          f"--dist{dist})  →  http://localhost:8000{site_path(site_url)}/")
    return 0


def _write_upload(args, output: Path, site_url: str) -> str:
    """The zips, the manifest and the record of this publish, and which zip to upload; returns the full zip's
    name and size."""
    from generator.core.files import atomic_write
    from generator.round.publish import (DELTA_DELETIONS, manifest_of, manifest_text, read_last_publish, record_publish,
                                         write_delta, write_zip)
    from generator.store.record import today

    name = f"congkhai-{today().isoformat()}"
    archive = write_zip(output, args.dist / f"{name}.zip")
    manifest = manifest_of(output)
    manifest_file = args.dist / f"{name}.sha256"
    atomic_write(manifest_file, manifest_text(manifest).encode("utf-8"), durable=False)
    delta_file = args.dist / f"{name}-cap-nhat.zip"
    last = read_last_publish(args.dist, site_url)
    full = f"{archive.resolve()} ({_megabytes(archive)})"
    # With --to the upload below does the officer's manual steps: the zips are still written (for a portal that
    # takes only a form upload) but their instructions are not printed.
    guide = print if not args.to else (lambda *_: None)

    def upload_the_full_zip() -> None:
        guide(f"Tệp để tải lên cổng thông tin: {full}")
        guide("Làm trống thư mục của trang trên cổng, rồi giải nén tệp này vào đó (xem docs/upload.md).")

    if last.manifest is None:
        delta_file.unlink(missing_ok=True)  # a delta of an earlier run today is not against this site
        why = "Lần công bố đầu tiên từ thư mục này" if last.first else last.problem
        guide(f"{why}; chỉ tạo tệp zip đầy đủ, hãy tải lên tệp đó.")
        upload_the_full_zip()
    else:
        delta = write_delta(output, last.manifest, manifest, delta_file)
        guide(f"So với lần công bố trước: {format_number(len(delta.changed))} tệp mới hoặc đã đổi, "
              f"{format_number(len(delta.deletions))} tệp hoặc thư mục cần xóa (trên tổng số {format_number(len(manifest))} tệp).")
        if not delta.changed and not delta.deletions:
            guide("Trang không đổi so với lần công bố trước: không cần tải lên gì.")
        elif delta_file.stat().st_size > archive.stat().st_size / 2:
            guide(f"Tệp cập nhật {delta_file.resolve()} ({_megabytes(delta_file)}) lớn hơn một nửa tệp đầy đủ: "
                  "nên tải lên tệp zip đầy đủ thay cho nó.")
            upload_the_full_zip()
        else:
            guide(f"Tệp để tải lên cổng thông tin: {delta_file.resolve()} ({_megabytes(delta_file)}; "
                  f"tệp đầy đủ: {full}).")
            guide(f"Giải nén đè lên thư mục của trang trên cổng, rồi xóa các tệp ghi trong {DELTA_DELETIONS} "
                  "(xem docs/upload.md).")
            for path in delta.deletions[:10]:
                guide(f"  xóa: {path}")
            if len(delta.deletions) > 10:
                guide(f"  … và {format_number(len(delta.deletions) - 10)} mục khác (đủ cả trong {DELTA_DELETIONS}).")
    print(f"Tổng kiểm tra SHA-256 của mọi tệp của trang: {manifest_file.resolve()}")
    record_publish(args.dist, manifest, site_url, archive)
    return full


def _megabytes(path: Path) -> str:
    """The size of `path` as an officer reads it (Vietnamese decimal comma)."""
    return space.size_text(path.stat().st_size)


def run_convert_font(args) -> int:
    from generator.ingest.convertfont import CannotConvert, convert_file, default_output

    out = args.out or default_output(args.file)
    try:
        changes = convert_file(args.file, out)
    except CannotConvert as error:
        print(error, file=sys.stderr)
        return 1
    if not changes:
        print(f"{args.file}: không có ô nào gõ bằng bảng mã TCVN3 hay VNI, hay bị hỏng mã do lưu dưới dạng ANSI; không ghi tệp mới.")
        return 0
    shown = 20
    print(f"Đã chuyển {format_number(len(changes))} ô sang Unicode:")
    for change in changes[:shown]:
        print(f"  {change.describe()}")
    if len(changes) > shown:
        print(f"  … và {format_number(len(changes) - shown)} ô khác.")
    print(f"Đã ghi {out.resolve()}")
    print(f"Hãy kiểm tra bản mới, rồi chuyển tệp cũ {args.file.name} ra khỏi thư mục exports/ (để lại bản mới).")
    return 0
