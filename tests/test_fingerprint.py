"""The digest that decides whether a page is rendered again (generator/pages/fingerprint.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, replace
from decimal import Decimal

import pytest
from markupsafe import Markup

from generator.pages.fingerprint import Digests, Undigestible


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    share: Decimal | None
    tags: frozenset[str] = frozenset()


def test_any_change_a_page_could_show_changes_the_digest():
    row = Row("Phường Giang Biên", Decimal("0.125"))
    digests = Digests()
    seen = {digests.of(row), digests.of(replace(row, name="Phường Giang Biên ")), digests.of(replace(row, share=None)),
            digests.of(replace(row, share=Decimal("0.1250"))), digests.of(replace(row, name=Markup(row.name))),
            digests.of((row, row)), digests.of((row,)), digests.of(replace(row, tags=frozenset({"XS"})))}
    assert len(seen) == 8
    assert Digests().of(Row("Phường Giang Biên", Decimal("0.125"))) == digests.of(row)  # equal values, other objects


def test_the_digest_does_not_depend_on_the_hash_seed():
    program = ("from generator.pages.fingerprint import Digests; "
               "print(Digests().of(frozenset(f'đơn vị {i}' for i in range(50)), {'a': {1, 2, 3}}))")
    printed = {subprocess.run([sys.executable, "-c", program], env={**os.environ, "PYTHONHASHSEED": seed},
                              capture_output=True, text=True, check=True).stdout for seed in ("1", "2", "3")}
    assert len(printed) == 1


def test_a_value_it_cannot_read_is_refused_not_guessed():
    with pytest.raises(Undigestible):
        Digests().of(object())
