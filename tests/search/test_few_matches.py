"""A few matches are counted and ranked one by one from the index's stored fields, the others
from bit sets: both ways give the same totals, counts beside each filter value and order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from directory.projections.search import engine
from directory.projections.search.engine import SearchQuery, SearchResults
from directory.projections.search.projection import index_for_app

NOW = datetime(2025, 3, 12, 15, 0, tzinfo=UTC)
QUERIES = [
    {"text": "jamaica"},
    {"text": "sao joao"},
    {"text": "defensa civil haiti"},
    {"text": "duty officer"},
    {"text": "prot"},
    {"text": "protecion"},
    {"text": "767 448"},
    {"text": "448-2222"},
    {"text": "coast"},
    {"text": "emergencia", "country": "MX"},
    {"text": "", "country": "BR"},
    {"text": "", "country": "JM", "only_24_7": True},
    {"text": "officer", "language": "fr"},
    {"text": "civil", "area": "disaster-response"},
    {"text": "example", "reachable_now": True},
]


def found(query: dict, page: int, per_page: int) -> SearchResults:
    request = SearchQuery(**query, page=page, per_page=per_page)
    return index_for_app().search(request, NOW)


@pytest.mark.parametrize("query", QUERIES, ids=lambda query: " ".join(map(str, query.values())))
def test_one_by_one_and_bit_sets_agree(
    demo: Flask, monkeypatch: pytest.MonkeyPatch, query: dict
) -> None:
    results = {}
    for way, few in (("one by one", 10**6), ("bit sets", -1)):
        monkeypatch.setattr(engine, "FEW_MATCHES", few)
        results[way] = [found(query, page, 3) for page in (1, 2, 3)]
    one_by_one, bit_sets = results["one by one"], results["bit sets"]
    assert one_by_one[0].total == bit_sets[0].total
    assert one_by_one[0].facets == bit_sets[0].facets
    for mine, theirs in zip(one_by_one, bit_sets, strict=True):
        assert [c.public_id for c in mine.contacts] == [c.public_id for c in theirs.contacts]


def test_the_queries_find_few_and_many(demo: Flask) -> None:
    totals = [found(query, 1, 3).total for query in QUERIES]
    assert min(totals) >= 1
    assert any(total <= engine.FEW_MATCHES for total in totals)
    assert any(total > engine.FEW_MATCHES for total in totals)
