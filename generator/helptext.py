"""`--help` in Vietnamese, or in English with `--lang en` or in an English locale.

The command line's help texts are written in English in cli.py, as message
ids (like the templates' `_('…')` texts); VI below gives each its Vietnamese.
argparse's own words ("usage:", "options", its error messages) come from its
gettext calls, answered here for the time of parsing. tests/test_officer_mistakes.py
names any help text left without Vietnamese.
"""
from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager


def language(argv: list[str]) -> str:
    """"en" with `--lang en` anywhere on the line, or when the locale is English; else "vi"."""
    if "--lang=en" in argv or any(a == "--lang" and b == "en" for a, b in zip(argv, argv[1:])):
        return "en"
    if "--lang=vi" in argv or any(a == "--lang" and b == "vi" for a, b in zip(argv, argv[1:])):
        return "vi"
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "en" if locale.startswith("en") else "vi"


ARGPARSE_VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "không hiểu tham số: %s",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "không có lựa chọn %(value)r (chọn một trong %(choices)s)",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn chưa rõ: %(option)s có thể là %(matches)s",
    "not allowed with argument %s": "không dùng được cùng tham số %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
}

VI = {
    # publish --to (the upload straight to the portal)
    "also upload the site there, only what changed, verified: sftp://, ftp://, ftps://, webdav://, webdavs://, "
    "s3://BUCKET/PREFIX, file:///PATH (default: $CONGKHAI_PUBLISH_TO; see docs/upload.md)":
        "tải thẳng trang lên đó, chỉ những gì đã đổi, có kiểm tra: sftp://, ftp://, ftps://, webdav://, webdavs://, "
        "s3://BUCKET/THƯ-MỤC, file:///ĐƯỜNG-DẪN (mặc định: $CONGKHAI_PUBLISH_TO; xem docs/upload.md)",
    "with --to: upload into a folder that holds files congkhai did not write (they are kept)":
        "cùng --to: tải lên cả thư mục đang có tệp không do congkhai ghi (các tệp đó được giữ nguyên)",
    # the program and its commands
    "congkhai: the public site of each month's staff ratings.":
        "congkhai: trang công khai kết quả đánh giá, xếp loại cán bộ, công chức, viên chức hằng tháng.",
    "language of --help (default: vi, en in an English locale)":
        "ngôn ngữ của --help (mặc định: vi; en khi máy đặt tiếng Anh)",
    "Build the public site from a data folder (nothing is written if the data has errors).":
        "Tạo trang công khai từ thư mục dữ liệu (không ghi gì nếu dữ liệu có lỗi).",
    "Check a data folder and report every problem; exit 1 on errors.":
        "Kiểm tra thư mục dữ liệu và báo mọi vấn đề; mã thoát 1 khi có lỗi.",
    "Write the announcement of a month: a Markdown article stub in content/.":
        "Viết bài công bố của một tháng: bài Markdown mẫu trong content/.",
    "Write the announcement of a month: a Markdown article stub in content/bai-viet/ with title, date, a summary with "
    "the month's figures and links to its pages.":
        "Viết bài công bố của một tháng: bài Markdown mẫu trong content/bai-viet/ có tiêu đề, ngày, dòng Month:, tóm tắt "
        "với số liệu của tháng và liên kết tới các trang của tháng.",
    "Preview: build, serve on localhost, rebuild and reload on every change.":
        "Xem thử: tạo trang, mở trên máy này, tạo lại và tải lại trang mỗi khi có thay đổi.",
    "Preview: build, serve on http://localhost:8000/, rebuild and reload the browser when data, content, theme or "
    "settings change. The store is not written.":
        "Xem thử: tạo trang, mở ở http://localhost:8000/, tạo lại và tải lại trình duyệt khi dữ liệu, bài viết, giao "
        "diện hay cài đặt thay đổi. Kho dữ liệu không bị ghi. Với --dist: xem bản publish đã tạo, đúng đường dẫn thật.",
    "Build with publishconf.py and write a dated zip to upload to the portal.":
        "Tạo trang theo publishconf.py và ghi tệp zip có ngày để tải lên cổng thông tin.",
    "Build with publishconf.py (absolute links, feeds) and write dist/congkhai-YYYY-MM-DD.zip, its manifest (.sha256) "
    "and, after a first publish, the files changed since the last one (congkhai-YYYY-MM-DD-cap-nhat.zip).":
        "Tạo trang theo publishconf.py (liên kết tuyệt đối, nguồn tin) và ghi dist/congkhai-YYYY-MM-DD.zip, bảng tổng "
        "kiểm tra (.sha256) và, từ lần công bố thứ hai, các tệp đã đổi từ lần trước (congkhai-YYYY-MM-DD-cap-nhat.zip).",
    "Write a synthetic demo data folder in the export format.":
        "Ghi một thư mục dữ liệu minh họa (giả lập) theo định dạng tệp xuất.",
    "Write a Unicode copy of an export typed in TCVN3 (ABC) or VNI.":
        "Ghi bản Unicode của tệp xuất gõ bằng bảng mã TCVN3 (ABC) hay VNI.",
    "Write a Unicode copy of an .xlsx or CSV export typed in a legacy Vietnamese font encoding (TCVN3/ABC, VNI); only "
    "the cells in that encoding change.":
        "Ghi bản Unicode của tệp xuất .xlsx hay CSV gõ bằng bảng mã cũ (TCVN3/ABC, VNI); chỉ các ô gõ bằng bảng mã đó "
        "thay đổi.",
    # options
    "folder laid out like data/: exports/, history/, units.csv, withheld.csv (default: data/)":
        "thư mục dữ liệu, sắp xếp như data/: exports/, history/, units.csv, withheld.csv (mặc định: data/)",
    "publish a month that differs from the stored one, with this reason (published with the date)":
        "công bố một tháng khác bản đã lưu, với lý do này (lý do và ngày được công bố)",
    "where the site goes (default: output/)": "nơi ghi trang (mặc định: output/)",
    "absolute address of the site, e.g. https://portal.example.vn/cong-khai (default: relative links)":
        "địa chỉ tuyệt đối của trang, ví dụ https://portal.example.vn/cong-khai (mặc định: liên kết tương đối)",
    "Pelican settings file (default: pelicanconf.py)": "tệp cài đặt Pelican (mặc định: pelicanconf.py)",
    "render every file again (by default a file whose inputs did not change since the last build into the same "
    "--output is carried over from it)":
        "tạo lại mọi tệp (mặc định, tệp nào đầu vào không đổi từ lần tạo trước vào cùng --output thì được giữ lại)",
    "write the seconds of each build stage (ingest+validate, aggregate, pages, leak check, store+swap) to FILE as "
    "JSON, for bench/":
        "ghi số giây của từng bước (đọc+kiểm tra, tổng hợp, trang, kiểm tra lộ dữ liệu, lưu kho+thay trang) vào FILE "
        "dạng JSON, cho bench/",
    "also print each month's brief to ban-tin/YYYY-MM/ban-tin.pdf and en/ban-tin/YYYY-MM/ban-tin.pdf with headless "
    "Chromium (skipped without it)":
        "in thêm bản tin mỗi tháng ra ban-tin/YYYY-MM/ban-tin.pdf và en/ban-tin/YYYY-MM/ban-tin.pdf bằng Chromium "
        "(bỏ qua nếu không có)",
    "settings file with the policy (default: pelicanconf.py)": "tệp cài đặt có chính sách công bố (mặc định: pelicanconf.py)",
    "language of the report (default: vi)": "ngôn ngữ của báo cáo (mặc định: vi)",
    "exit 1 on warnings too": "mã thoát 1 cả khi chỉ có cảnh báo",
    "where the HTML report goes (default: validation-report.html beside the data folder)":
        "nơi ghi báo cáo HTML (mặc định: validation-report.html cạnh thư mục dữ liệu)",
    "the month, YYYY-MM (or MM/YYYY)": "tháng, dạng YYYY-MM (hoặc MM/YYYY)",
    "settings file (default: pelicanconf.py)": "tệp cài đặt (mặc định: pelicanconf.py)",
    "content folder (default: the settings' PATH, content/)": "thư mục bài viết (mặc định: PATH của cài đặt, content/)",
    "overwrite an existing article of that month": "viết đè bài đã có của tháng đó",
    "where the preview is built (default: output/)": "nơi tạo bản xem thử (mặc định: output/)",
    "port (default 8000)": "cổng (mặc định 8000)",
    "address to listen on (default 127.0.0.1)": "địa chỉ lắng nghe (mặc định 127.0.0.1)",
    "serve what publish made (DIST/site/, default dist/) at its real path, e.g. http://localhost:8000/cong-khai/, its "
    "links to the real address pointing here; nothing is built":
        "xem bản publish đã tạo (DIST/site/, mặc định dist/) ở đúng đường dẫn thật, ví dụ "
        "http://localhost:8000/cong-khai/, các liên kết tới địa chỉ thật trỏ về đây; không tạo lại trang",
    "with --dist: the address it was built for (default: the one of the last publish)":
        "cùng --dist: địa chỉ trang khi tạo (mặc định: địa chỉ của lần publish gần nhất)",
    "where the site is built (default: DIST/site/)": "nơi tạo trang (mặc định: DIST/site/)",
    "where the zip goes (default: dist/)": "nơi ghi tệp zip (mặc định: dist/)",
    "absolute address of the site on the portal (required while publishconf.py has the placeholder portal.example.vn; "
    "or set CONGKHAI_SITE_URL)":
        "địa chỉ tuyệt đối của trang trên cổng thông tin (bắt buộc khi publishconf.py còn địa chỉ mẫu portal.example.vn; "
        "hoặc đặt CONGKHAI_SITE_URL)",
    "settings file (default: publishconf.py)": "tệp cài đặt (mặc định: publishconf.py)",
    "folder to write (laid out like data/)": "thư mục sẽ ghi (sắp xếp như data/)",
    "person-level months (default 24, or from 2024-11 to --last-month)":
        "số tháng dữ liệu từng người (mặc định 24, hoặc từ 2024-11 đến --last-month)",
    "the last person-level month (default 2026-10); e.g. 2026-11 gives the shipped demo's months and the next one, "
    "whose export can be copied into data/exports/ to try a round":
        "tháng cuối của dữ liệu từng người (mặc định 2026-10); ví dụ 2026-11 cho các tháng của bộ minh họa kèm theo và "
        "tháng kế tiếp, tệp xuất của tháng đó chép được vào data/exports/ để thử một vòng hằng tháng",
    "number of units (default 150)": "số đơn vị (mặc định 150)",
    "number of staff (default 5000)": "số người (mặc định 5.000)",
    "random seed (default 1)": "hạt giống ngẫu nhiên (mặc định 1)",
    "the export (.xlsx, .csv, .tsv, .txt)": "tệp xuất (.xlsx, .csv, .tsv, .txt)",
    "where the copy goes (default: beside it, “NAME (Unicode).xlsx”)":
        "nơi ghi bản chuyển (mặc định: cạnh tệp gốc, “TÊN (Unicode).xlsx”)",
}


def texts(parser: argparse.ArgumentParser) -> Iterator[tuple[object, str, str]]:
    """(owner, attribute, text) of every help text and description of `parser` and its commands."""
    yield parser, "description", parser.description
    for action in parser._actions:
        if action.help and action.help is not argparse.SUPPRESS:
            yield action, "help", action.help
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield choice, "help", choice.help
            for command in dict.fromkeys(action.choices.values()):
                yield from texts(command)


def translate(parser: argparse.ArgumentParser, lang: str) -> None:
    """Every help text of `parser` in `lang`; an id without Vietnamese stays English (a test names it)."""
    if lang == "en":
        return
    for owner, attribute, text in list(texts(parser)):
        if text:
            setattr(owner, attribute, VI.get(text, text))


@contextmanager
def argparse_in(lang: str) -> Iterator[None]:
    """argparse's own words in `lang` while the block parses (it looks them up through gettext at each use)."""
    if lang == "en":
        yield
        return
    english = argparse._
    argparse._ = lambda text: ARGPARSE_VI.get(text, english(text))
    try:
        yield
    finally:
        argparse._ = english
