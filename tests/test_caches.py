"""directory/caches.py: the caches the directory keeps, and turning them off to measure them."""

from __future__ import annotations

import pytest
from flask import Flask, url_for

from directory import caches
from directory.extensions import db
from directory.web.links import link


def test_a_memo_empties_when_full() -> None:
    memo = caches.Memo(2)
    memo.put("a", "1")
    memo.put("b", "2")
    assert (memo.get("a"), memo.get("b")) == ("1", "2")
    assert memo.put("c", "3") == "3"
    assert (memo.get("a"), memo.get("c")) == (None, "3")


def test_links_are_url_for_with_a_query_and_kept_per_app(app: Flask) -> None:
    with app.test_request_context("/"):
        address = link("countries.show", {"page": "2", "empty": ""}, code="JM")
        assert address == url_for("countries.show", code="JM") + "?page=2"
        assert caches.link_memo().get(("", "countries.show", ("code", "JM"))) == "/countries/JM"
    with app.test_request_context("/", base_url="http://localhost/directory"):
        assert link("countries.show", code="JM") == "/directory/countries/JM"


def test_each_database_has_its_caches(app: Flask) -> None:
    assert caches.database_caches(db.engine) is caches.database_caches(db.engine)
    assert caches.database_caches(db.engine) in caches.every_database_caches()


def test_a_cache_turned_off_keeps_nothing(monkeypatch: pytest.MonkeyPatch, app: Flask) -> None:
    monkeypatch.setattr(caches, "_turned_off", set(caches.NAMES))
    calls = []

    def square(n: int) -> int:
        calls.append(n)
        return n * n

    remembered = caches._memo(caches.PHONE_FORMATS, maxsize=8)(square)
    assert remembered(3) + remembered(3) == 18
    assert calls == [3, 3]
    assert len(caches.DatabaseCaches().records) == 0
    kept = caches.DatabaseCaches()
    kept.keep_reference(({}, {}))
    assert kept.reference is None
    with app.test_request_context("/"):
        assert caches.for_request(caches.CARD_PAGE, object) is not caches.for_request(
            caches.CARD_PAGE, object
        )


def test_only_known_caches_can_be_turned_off() -> None:
    with pytest.raises(ValueError, match="no such cache: nonsense"):
        caches.turn_off("nonsense")
