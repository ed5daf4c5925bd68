"""Every setting and command is documented (the Datasette way: undocumented fails)."""
from __future__ import annotations

import re
from pathlib import Path

from generator.core.config import read_settings_file

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["make site", "make test"]


def test_every_congkhai_setting_is_documented():
    settings = read_settings_file(ROOT / "pelicanconf.py")
    names = sorted(name for name in settings if name.startswith("CONGKHAI_"))
    assert names, "pelicanconf.py defines no CONGKHAI_ setting"
    for name in names:
        assert f"`{name}`" in README, f"{name} is not documented in README.md"


def test_every_setting_the_code_reads_is_in_pelicanconf():
    used = set()
    for path in list((ROOT / "generator").rglob("*.py")) + list((ROOT / "plugins").rglob("*.py")):
        used |= set(re.findall(r"\"(CONGKHAI_[A-Z_]+)\"", path.read_text("utf-8")))
    defined = set(read_settings_file(ROOT / "pelicanconf.py"))
    # handed over by `build`, and the environment variables of `publish --to`: not settings
    assert used - {"CONGKHAI_SITE", "CONGKHAI_CARRIER", "CONGKHAI_PUBLISHED_OUTPUT", "CONGKHAI_FULL"} - PUBLISH_ENVIRONMENT <= defined


PUBLISH_ENVIRONMENT = {"CONGKHAI_PUBLISH_TO", "CONGKHAI_PUBLISH_USER", "CONGKHAI_PUBLISH_PASSWORD"}


def test_the_environment_variables_of_publishing_to_the_portal_are_documented():
    guide = (ROOT / "docs" / "upload.md").read_text("utf-8")
    for name in PUBLISH_ENVIRONMENT:
        assert f"`{name}`" in guide, f"{name} is not documented in docs/upload.md"


def test_every_command_is_documented():
    from generator.cli import main  # noqa: F401 (the commands are its subparsers)

    import argparse
    from unittest import mock

    with mock.patch.object(argparse.ArgumentParser, "parse_args", side_effect=SystemExit):
        parsers = []
        original = argparse._SubParsersAction.add_parser
        with mock.patch.object(argparse._SubParsersAction, "add_parser",
                               lambda self, name, **kw: parsers.append(name) or original(self, name, **kw)):
            try:
                main([])
            except SystemExit:
                pass
    assert {"build", "validate", "demo", "new-month", "serve", "publish"} <= set(parsers)
    for command in parsers:
        assert f"python -m generator {command}" in README, command
