"""The house's layout, checked: each stage of generator/ is a folder that says its job, and
imports run only downward (docs/architecture.md). A module that imports upward, a folder
without its docstring, a module over the length limit without its reason, or generator/
importing the Pelican plugin fails here, like Datasette's documented-or-fail tests."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# What each stage may import, besides itself; the entry points (cli.py, __main__.py) may
# import any stage.
MAY_IMPORT = {
    "core": set(),
    "ingest": {"core"},
    "figures": {"core", "ingest"},
    "store": {"core", "ingest", "figures"},
    "view": {"core", "ingest", "figures", "store"},
    "pages": {"core", "figures", "view"},
    "round": {"core", "ingest", "figures", "store", "view", "pages"},
    "demo": {"core"},
}
ENTRY_POINTS = {"cli", "helptext", "__main__", "__init__"}  # the command line and its help texts
LONG_MODULE_LINES = 500
LONG_MODULE_REASON = "Why this module is long:"


def stages() -> list[Path]:
    return sorted(p for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")) and any(p.glob("*.py")))


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def stage_of(path: Path) -> str | None:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else None


def imported_stages(path: Path, package: Path = PACKAGE) -> set[tuple[str, int]]:
    """(stage, line) of every import of generator's stages, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = path.relative_to(package).with_suffix("").parts
    found = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[: len(here) - node.level])
                module = ".".join(["generator", *base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names = [module] + ([f"{module}.{alias.name}" for alias in node.names] if module == "generator" else [])
        for name in names:
            parts = name.split(".")
            if parts[0] == "generator" and len(parts) > 1 and (package / parts[1]).is_dir():
                found.add((parts[1], node.lineno))
    return found


def test_every_stage_is_listed_here():
    assert {p.name for p in stages()} == set(MAY_IMPORT), "a new stage needs its place in MAY_IMPORT and docs/architecture.md"


@pytest.mark.parametrize("folder", stages(), ids=lambda p: p.name)
def test_every_stage_says_its_job_and_what_it_may_import(folder):
    init = folder / "__init__.py"
    assert init.exists(), f"{folder.name}/ has no __init__.py"
    docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert docstring and "Imports:" in docstring, f"{folder.name}/__init__.py must say its job and 'Imports: ...'"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_only_downward(path):
    stage = stage_of(path)
    if stage is None:
        assert path.stem in ENTRY_POINTS, f"{path.name} belongs in a stage folder"
        return
    allowed = MAY_IMPORT[stage] | {stage}
    upward = sorted(f"line {line}: generator.{other}" for other, line in imported_stages(path) if other not in allowed)
    assert not upward, f"{path.relative_to(PACKAGE)} ({stage}/) imports upward: {upward}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_generator_knows_nothing_of_the_plugin(path):
    """Pelican runs the plugin (PLUGINS in the settings); generator/ never imports it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    plugin_imports = [node.lineno for node in ast.walk(tree)
                      if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pelican.plugins")
                      or isinstance(node, ast.Import) and any(a.name.startswith("pelican.plugins") for a in node.names)]
    assert not plugin_imports, f"{path.relative_to(PACKAGE)} imports the Pelican plugin at lines {plugin_imports}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_long_module_says_why(path):
    text = path.read_text(encoding="utf-8")
    if text.count("\n") <= LONG_MODULE_LINES:
        return
    docstring = ast.get_docstring(ast.parse(text)) or ""
    assert LONG_MODULE_REASON in docstring, (
        f"{path.relative_to(PACKAGE)} has {text.count(chr(10))} lines: split it by job, or say "
        f"'{LONG_MODULE_REASON} ...' in its docstring")


def test_the_checker_sees_an_upward_import(tmp_path):
    """The rule itself: a core module importing the view, absolutely or relatively, is caught."""
    package = tmp_path / "generator"
    (package / "core").mkdir(parents=True)
    (package / "view").mkdir()
    module = package / "core" / "bad.py"
    module.write_text("def f():\n    from generator.view.public import Figures\n    from ..view import build\n")
    assert imported_stages(module, package) == {("view", 2), ("view", 3)}


TESTS = Path(__file__).resolve().parent


def imported_test_modules(path: Path) -> list[str]:
    """The test modules (test_*) that `path` imports: shared fixtures belong in conftest.py, shared
    helpers in a plainly named module (site_pages.py, builds.py...), so that running, moving or
    deleting one test module never changes another."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names += [module] + [f"{module}.{alias.name}" if module else alias.name for alias in node.names]
    return sorted({name for name in names if any(part.startswith("test_") for part in name.split("."))})


@pytest.mark.parametrize("path", sorted(TESTS.rglob("*.py")), ids=lambda p: str(p.relative_to(TESTS)))
def test_no_test_module_imports_another(path):
    assert not imported_test_modules(path), (
        f"tests/{path.relative_to(TESTS)} imports {imported_test_modules(path)}: move what it shares into "
        "conftest.py (fixtures) or a helper module")


def test_the_checker_sees_a_test_module_imported(tmp_path):
    module = tmp_path / "test_b.py"
    module.write_text("import test_a\nfrom test_c import built\nfrom tests.test_d import x\nfrom . import test_e\n"
                      "from conftest import person_row\nimport site_pages\n")
    assert imported_test_modules(module) == ["test_a", "test_c", "test_c.built", "test_e", "tests.test_d",
                                             "tests.test_d.x"]
