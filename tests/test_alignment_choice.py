"""alignment.choose: which RIS3 list notebook 04 and the card match, from the curated table (never invented)."""
from __future__ import annotations

import pytest

from s3lib.analyses import ris3


@pytest.mark.parametrize("place, kind, period", [
    ("frankfurt", "regional", "2021-2027"),      # Hessen: 2014-2020 list not found, 2021-2027 sourced
    ("bilbao", "regional", "2021-2027"),
    ("turin", "regional", "2021-2027"),
    ("porto", "regional", "2021-2027"),
    ("bucharest", "national fallback", "2014-2020"),  # RO32 lists not found: national SNCDI domains
    ("bordeaux", "strengths only", None),             # no S3 list at all: sourced strengths, all periods
])
def test_auto_picks_latest_sourced_list(place, kind, period):
    choice = ris3.choose(place)
    assert (choice.kind, choice.period) == (kind, period)
    assert choice.found == (kind in ("regional", "national fallback"))
    rows = ris3.priorities(place, **choice.priority_kwargs())
    assert len(rows) > 0
    expected = {"regional": {"priority", "niche"}, "national fallback": {"fallback_national"},
                "strengths only": {"strength_not_s3"}}[kind]
    assert set(rows["type"]) <= expected


def test_explicit_period_without_list_matches_nothing():
    choice = ris3.choose("frankfurt", "2014-2020")  # Hessische Innovationsstrategie 2020: list not found
    assert choice.kind == "none" and not choice.found
    assert ris3.priorities("frankfurt", **choice.priority_kwargs()).empty


def test_region_outside_the_table_has_no_list():
    assert ris3.choose("DE300").kind == "none"
