"""Command line: `python -m generator build | validate | demo | new-month | serve | publish`."""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from generator.core import memory
from generator.round import report
from generator.core.config import SettingsError
from generator.round.pipeline import DataFolder
from generator.round.build import build_site, checked_settings, load, print_bad_settings, print_brief_pdfs

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS = ROOT / "pelicanconf.py"
# The address publishconf.py falls back on; a zip built with it links to nowhere.
PLACEHOLDER_SITE = "portal.example.vn"
INTERRUPTED = "Đã dừng (Ctrl+C). Trang đã công bố không thay đổi."


def main(argv: list[str] | None = None) -> int:
    memory.return_large_blocks_to_the_system()
    parser = argparse.ArgumentParser(prog="python -m generator", description="congkhai: trang công khai kết quả xếp loại hằng tháng.")
    commands = parser.add_subparsers(dest="command", required=True)

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
    demo.add_argument("--months", type=int, default=24, help="person-level months (default 24)")
    demo.add_argument("--units", type=int, default=150, help="number of units (default 150)")
    demo.add_argument("--staff", type=int, default=5000, help="number of staff (default 5000)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    convert = commands.add_parser("convert-font", help="Write a Unicode copy of an export typed in TCVN3 (ABC) or VNI.",
                                  description="Write a Unicode copy of an .xlsx or CSV export typed in a legacy Vietnamese "
                                              "font encoding (TCVN3/ABC, VNI); only the cells in that encoding change.")
    convert.add_argument("file", type=Path, help="the export (.xlsx, .csv, .tsv, .txt)")
    convert.add_argument("--out", type=Path, help="where the copy goes (default: beside it, “NAME (Unicode).xlsx”)")

    args = parser.parse_args(argv)
    commands = {"build": run_build, "validate": run_validate, "demo": run_demo, "new-month": run_new_month,
                "serve": run_serve, "publish": run_publish, "convert-font": run_convert_font}
    try:
        return commands[args.command](args)
    except SettingsError as error:
        print_bad_settings(getattr(args, "settings", DEFAULT_SETTINGS), str(error).splitlines(), getattr(args, "lang", "vi"))
        return 1
    except KeyboardInterrupt:
        written = getattr(args, "site_written", None)
        print(f"\nĐã dừng (Ctrl+C); trang mới đã được tạo xong ở {written}." if written else f"\n{INTERRUPTED}",
              file=sys.stderr)
        return 130


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
    report.write_html(page, problems, summary, args.lang)
    print(("HTML report" if args.lang == "en" else "Báo cáo HTML") + f": {page}")
    if problems.has_errors:
        return 1
    return 1 if args.strict and problems.warnings else 0


def run_build(args) -> int:
    status = build_site(args, args.settings, args.output, args.site_url, record=True)
    if status == 0 and args.pdf:
        status = print_brief_pdfs(args.output, args.site_url)
    return status


def run_demo(args) -> int:
    from generator.demo.population import write_demo

    try:
        summary = write_demo(args.out, months=args.months, units=args.units, staff=args.staff, seed=args.seed)
    except ValueError as error:
        print(f"Không tạo được dữ liệu minh họa: {error}", file=sys.stderr)
        return 1
    print(f"Đã ghi dữ liệu minh họa vào {args.out}: {summary.describe()}")
    store = DataFolder(args.out).store
    if store.exists():
        # New synthetic data is a new history: months of the old set are not "published" for it.
        shutil.rmtree(store)
        print(f"Đã xóa kho {store} của bộ dữ liệu minh họa cũ; lần build sau lưu lại từ đầu.")
    return 0


def run_new_month(args) -> int:
    from generator.view.announcement import write_stub

    from generator.core.months import parse_month_cell

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
        return "\n".join(refusals) or "Không tạo được trang (xem thông báo trong cửa sổ lệnh)."

    return serve(preview, output=args.output, watched=[args.data, ROOT / "content", ROOT / "theme", args.settings],
                 bind=args.bind, port=args.port)


def run_publish(args) -> int:
    from generator.round.publish import (DELTA_DELETIONS, manifest_of, manifest_text, read_last_publish, record_publish, write_delta,
                          write_zip)
    from generator.store.record import today

    settings = checked_settings(args.settings)
    if args.site_url is None and PLACEHOLDER_SITE in str(settings.get("SITEURL", "")):
        print(f"Chưa có địa chỉ thật của trang: {args.settings.name} đang dùng địa chỉ mẫu {settings['SITEURL']}, "
              "nên mọi liên kết tuyệt đối và nguồn tin (feed) trong tệp zip sẽ trỏ sai. Chạy lại với địa chỉ trên cổng "
              "thông tin, ví dụ: python -m generator publish --site-url https://ten-cong.gov.vn/cong-khai "
              "(hoặc đặt biến môi trường CONGKHAI_SITE_URL).", file=sys.stderr)
        return 1
    if args.to:
        from generator.round.remote import destination_problem
        problem = destination_problem(args.to)
        if problem:
            print(problem, file=sys.stderr)
            return 1
    output = args.output or args.dist / "site"
    status = build_site(args, args.settings, output, args.site_url, record=True)
    if status:
        return status
    site_url = str(args.site_url or settings.get("SITEURL", "")).rstrip("/")
    name = f"congkhai-{today().isoformat()}"
    archive = write_zip(output, args.dist / f"{name}.zip")
    manifest = manifest_of(output)
    manifest_file = args.dist / f"{name}.sha256"
    manifest_file.write_text(manifest_text(manifest), "utf-8")
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
        guide(f"So với lần công bố trước: {len(delta.changed)} tệp mới hoặc đã đổi, "
              f"{len(delta.deletions)} tệp hoặc thư mục cần xóa (trên tổng số {len(manifest)} tệp).")
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
                guide(f"  … và {len(delta.deletions) - 10} mục khác (đủ cả trong {DELTA_DELETIONS}).")
    print(f"Tổng kiểm tra SHA-256 của mọi tệp của trang: {manifest_file.resolve()}")
    record_publish(args.dist, manifest, site_url, archive)
    if args.to:
        from generator.round.remote import upload
        print(f"Tệp zip đầy đủ (cho cổng chỉ nhận tải lên qua biểu mẫu): {full}")
        return upload(output, site_url, args.to, force=args.force)
    return 0


def _megabytes(path: Path) -> str:
    """The size of `path` as an officer reads it (Vietnamese decimal comma)."""
    size = path.stat().st_size
    text = f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} kB"
    return text.replace(".", ",")


def run_convert_font(args) -> int:
    from generator.ingest.convertfont import CannotConvert, convert_file, default_output

    out = args.out or default_output(args.file)
    try:
        changes = convert_file(args.file, out)
    except CannotConvert as error:
        print(error, file=sys.stderr)
        return 1
    if not changes:
        print(f"{args.file}: không có ô nào gõ bằng bảng mã TCVN3 hay VNI; không ghi tệp mới.")
        return 0
    shown = 20
    print(f"Đã chuyển {len(changes)} ô sang Unicode:")
    for change in changes[:shown]:
        print(f"  {change.describe()}")
    if len(changes) > shown:
        print(f"  … và {len(changes) - shown} ô khác.")
    print(f"Đã ghi {out.resolve()}")
    print(f"Hãy kiểm tra bản mới, rồi chuyển tệp cũ {args.file.name} ra khỏi thư mục exports/ (để lại bản mới).")
    return 0
