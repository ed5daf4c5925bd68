"""`python -m generator …`: the interpreter and its libraries are checked before anything heavy is imported.

Run with a Python that lacks the project's libraries (`python3 -m generator`
outside `.venv`), a command would end in a ModuleNotFoundError traceback from
deep inside; one line naming the fix is what an officer can act on. Only the
standard library is used here, and nothing newer than Python 3.6, so that an
old interpreter reaches the message too.
"""
import os
import sys
from importlib.util import find_spec

# (module imported, package to install) of requirements.txt that the commands import.
NEEDED = (("babel", "babel"), ("numpy", "numpy"), ("pandas", "pandas"), ("pyarrow", "pyarrow"),
          ("openpyxl", "openpyxl"), ("python_calamine", "python-calamine"), ("jinja2", "Jinja2"),
          ("markdown", "Markdown"), ("pelican", "pelican"), ("ahocorasick_rs", "ahocorasick-rs"),
          ("scipy", "scipy"), ("unidecode", "Unidecode"), ("rich", "rich"), ("watchfiles", "watchfiles"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def english(argv):
    """English on request (`--lang en`) or in an English locale, as --help."""
    if "--lang=en" in argv or any(a == "--lang" and b == "en" for a, b in zip(argv, argv[1:])):
        return True
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return locale.startswith("en")


def interpreter_problem(argv):
    """One line naming the fix, or None when this Python can run the commands."""
    venv_python = os.path.join(ROOT, ".venv", "bin", "python")
    shown = os.path.relpath(venv_python) if os.path.abspath(os.getcwd()) == ROOT else venv_python
    command = " ".join([shown, "-m", "generator"] + argv[:1]) + (" …" if len(argv) > 1 else "")
    have_venv = os.path.exists(venv_python)
    if sys.version_info < (3, 11):
        missing = None
    else:
        missing = next((package for module, package in NEEDED if find_spec(module) is None), None)
        if missing is None:
            return None
    en = english(argv)
    if missing is None:
        what = ("congkhai needs Python 3.11 or newer (this is %d.%d, %s)" if en else
                "Cần Python 3.11 trở lên (đang chạy %d.%d, %s)") % (sys.version_info[0], sys.version_info[1], sys.executable)
    else:
        what = ("Missing library %s for %s" if en else "Thiếu thư viện %s cho %s") % (missing, sys.executable)
    if have_venv:
        fix = ("use the project's Python: %s (or a make target: make validate, make new-month THANG=…)" if en else
               "dùng Python của dự án: %s (hoặc lệnh make: make validate, make new-month THANG=…)") % command
    else:
        fix = ("run `make site` once in %s (it creates .venv), then use %s" if en else
               "chạy `make site` một lần trong %s (tạo .venv) rồi dùng %s") % (ROOT, command)
    return "%s: %s" % (what, fix)


problem = interpreter_problem(sys.argv[1:])
if problem:
    print(problem, file=sys.stderr)
    sys.exit(1)

from .cli import main  # noqa: E402 (only once the libraries are known to be there)

sys.exit(main())
