"""The public view cannot hold what the publication policy keeps private."""
from __future__ import annotations

import dataclasses
import inspect

import pytest

from generator.pages import charts
from generator.view import build, public
from generator.view import trends

PRIVATE_FIELDS = {"person_id", "self_rating", "self_score", "final_score", "note", "full_name", "score"}
# Modules whose classes reach the templates: the public view, and what is built from it alone.
PUBLIC_MODULES = (public, trends, charts)


def public_classes():
    return [c for module in PUBLIC_MODULES for _, c in inspect.getmembers(module, inspect.isclass)
            if dataclasses.is_dataclass(c) and c.__module__ == module.__name__]


def test_no_public_class_has_a_private_field():
    for cls in public_classes():
        names = {f.name for f in dataclasses.fields(cls)}
        assert not names & PRIVATE_FIELDS, f"{cls.__name__} has {names & PRIVATE_FIELDS}"


@pytest.mark.parametrize("cls", public_classes(), ids=lambda c: c.__name__)
def test_public_objects_are_frozen_and_slotted(cls):
    assert cls.__dataclass_params__.frozen
    assert "__slots__" in cls.__dict__, f"{cls.__name__} could take extra attributes"


def test_honour_rows_keep_only_published_columns_and_blank_withheld():
    import pandas as pd

    people = pd.DataFrame({
        "month": ["2024-10"] * 3, "unit_code": ["A"] * 3, "person_id": ["1", "2", "3"],
        "full_name": ["An", "Bình", "Chi"], "position": ["CV", "TP", "CV"], "final_rating": ["XS", "XS", "T"],
        "self_rating": ["T", "XS", "T"], "self_score": [1.0, 2.0, 3.0], "final_score": [95.0, 96.0, 80.0],
        "note": ["a", "b", "c"], "reward": [1, 2, None],
    })
    rows = build.honour_rows(people, frozenset({"2"}))
    assert list(rows.columns) == build.HONOUR_COLUMNS
    assert rows["full_name"].tolist()[0] == "An" and pd.isna(rows["full_name"].iloc[1])
    assert rows["position"].tolist() == ["CV", ""]
