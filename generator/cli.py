"""Command line: `python -m generator build | validate | demo`."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import report
from .config import read_settings_file
from .pipeline import DataFolder, site_view

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS = ROOT / "pelicanconf.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description="congkhai: trang công khai kết quả xếp loại hằng tháng.")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="Build the public site from a data folder (nothing is written if the data has errors).",
                                description="Build the public site from a data folder (nothing is written if the data has errors).")
    _data_argument(build)
    build.add_argument("--output", type=Path, default=Path("output"), help="where the site goes (default: output/)")
    build.add_argument("--site-url", help="absolute address of the site, e.g. https://portal.example.vn/cong-khai (default: relative links)")
    build.add_argument("--settings", type=Path, default=DEFAULT_SETTINGS, help="Pelican settings file (default: pelicanconf.py)")

    validate = commands.add_parser("validate", help="Check a data folder and report every problem; exit 1 on errors.",
                                   description="Check a data folder and report every problem; exit 1 on errors.")
    _data_argument(validate)
    validate.add_argument("--settings", type=Path, default=DEFAULT_SETTINGS, help="settings file with the policy (default: pelicanconf.py)")

    demo = commands.add_parser("demo", help="Write a synthetic demo data folder in the export format.",
                               description="Write a synthetic demo data folder in the export format.")
    demo.add_argument("--out", type=Path, required=True, help="folder to write (laid out like data/)")
    demo.add_argument("--months", type=int, default=24, help="person-level months (default 24)")
    demo.add_argument("--units", type=int, default=150, help="number of units (default 150)")
    demo.add_argument("--staff", type=int, default=5000, help="number of staff (default 5000)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    args = parser.parse_args(argv)
    return {"build": run_build, "validate": run_validate, "demo": run_demo}[args.command](args)


def _data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=Path("data"),
                        help="folder laid out like data/: exports/, history/, units.csv, withheld.csv (default: data/)")


def _load(args) -> tuple:
    settings = read_settings_file(args.settings)
    if not args.data.is_dir():
        print(f"Không có thư mục dữ liệu {args.data}.", file=sys.stderr)
        return None, None, settings
    view, problems = site_view(DataFolder(args.data), settings)
    return view, problems, settings


def run_validate(args) -> int:
    view, problems, _ = _load(args)
    if problems is None:
        return 1
    print(report.render(problems))
    return 1 if problems.has_errors else 0


def run_build(args) -> int:
    started = time.perf_counter()
    view, problems, _ = _load(args)
    if problems is None:
        return 1
    if view is None:
        print(report.render(problems))
        print(f"\nKhông tạo trang: dữ liệu có lỗi. Trang đã có ở {args.output}/ được giữ nguyên.", file=sys.stderr)
        return 1
    if problems.warnings:
        print(report.render(problems))
    from pelican.plugins.congkhai.run import write_site  # Pelican only past validation

    count = write_site(view, args.settings, args.output, args.site_url)
    seconds = time.perf_counter() - started
    index = args.output.resolve() / "index.html"
    print(f"Đã tạo {count} tệp trong {seconds:.1f} giây: {index}")
    print(f"Xem thử: python -m http.server -d {args.output} 8000  →  http://localhost:8000/")
    return 0


def run_demo(args) -> int:
    from .demo import write_demo

    summary = write_demo(args.out, months=args.months, units=args.units, staff=args.staff, seed=args.seed)
    print(f"Đã ghi dữ liệu minh họa vào {args.out}: {summary.describe()}")
    return 0
