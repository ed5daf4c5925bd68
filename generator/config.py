"""Settings the data code needs, read from the site's settings file.

The settings live in `pelicanconf.py` beside Pelican's own (one place for an
officer to look); this module reads them without importing Pelican.
"""
from __future__ import annotations

import runpy
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .ratings import RatingScale


@dataclass(frozen=True)
class QuotaRule:
    """The most XS a unit may give: `share` of the base ("T+XS" or "evaluated")."""

    share: Decimal = Decimal("0.20")
    base: str = "T+XS"
    name: str = "Nghị định 335/2025/NĐ-CP"


@dataclass(frozen=True)
class Policy:
    """What may be published and which figures deserve a warning (contract sections 9-10)."""

    honour_list: bool = True
    min_evaluated: int = 10
    quota: QuotaRule = field(default_factory=QuotaRule)
    coverage_floor: Decimal = Decimal("0.95")
    scale: RatingScale = field(default_factory=RatingScale)

    def merges(self, evaluated: int) -> bool:
        """Whether a group of `evaluated` rated staff is too small to show HT and K apart."""
        return evaluated < self.min_evaluated

    @classmethod
    def from_settings(cls, settings: Mapping) -> Policy:
        quota = QuotaRule(
            share=Decimal(str(settings.get("CONGKHAI_QUOTA_SHARE", "0.20"))),
            base=settings.get("CONGKHAI_QUOTA_BASE", "T+XS"),
            name=settings.get("CONGKHAI_QUOTA_NAME", QuotaRule.name),
        )
        if quota.base not in ("T+XS", "evaluated"):
            raise ValueError("CONGKHAI_QUOTA_BASE must be 'T+XS' or 'evaluated'")
        return cls(
            honour_list=bool(settings.get("CONGKHAI_HONOUR_LIST", True)),
            min_evaluated=int(settings.get("CONGKHAI_MIN_EVALUATED", 10)),
            quota=quota,
            coverage_floor=Decimal(str(settings.get("CONGKHAI_COVERAGE_FLOOR", "0.95"))),
        )


# A month of more units has a page per block (its month page and honour list would exceed
# 50 KB gzipped at about 400 units); CONGKHAI_UNITS_PER_PAGE changes it.
UNITS_PER_PAGE = 300


def units_per_page(settings: Mapping) -> int | None:
    """CONGKHAI_UNITS_PER_PAGE: a month of more units is split by block (None: never)."""
    value = settings.get("CONGKHAI_UNITS_PER_PAGE", UNITS_PER_PAGE)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("CONGKHAI_UNITS_PER_PAGE must be a whole number of at least 1, or None")
    return value


def read_settings_file(path: Path) -> dict:
    """The upper-case names a Pelican settings file defines."""
    if not path.exists():
        return {}
    namespace = runpy.run_path(str(path))
    return {k: v for k, v in namespace.items() if k.isupper()}
