"""What the pages show of a contact (web/cards.py), and the page number of a listing."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from flask import Flask

from directory.caches import CARD_PAGE, for_request
from directory.models import HolderKind
from directory.services.actors import Actor
from directory.services.contacts import create_contact
from directory.web.cards import CardPage, card, card_words, holder_label
from directory.web.paging import page_number
from tests.factories import contact_data

SYSTEM = Actor.system("tests")


@dataclass
class Marks:
    words: list[str]
    expanded: set[str] = field(default_factory=set)


def holder(kind: HolderKind, name: str = "") -> SimpleNamespace:
    return SimpleNamespace(holder_kind=kind, holder_name=name)


def test_a_post_nobody_holds_says_what_it_is(app: Flask) -> None:
    with app.test_request_context("/"):
        assert holder_label(holder(HolderKind.NAMED, "Zoë O'Neil")) == "Zoë O'Neil"
        assert holder_label(holder(HolderKind.VACANT)) == "Vacant post"
        assert holder_label(holder(HolderKind.DESK)) == "Functional desk"
        words = card_words()
        assert holder_label(holder(HolderKind.DESK), words) == words["desk"]


def test_a_card_shows_rank_badges_and_marked_words(app: Flask) -> None:
    contact = create_contact(SYSTEM, contact_data())
    with app.test_request_context("/"):
        shown = card(contact, Marks(["duty"]), where=True)
    assert shown.url == f"/contacts/{contact.public_id}"
    assert shown.rank == "Primary"
    assert "badge-24" in [badge.css for badge in shown.badges]
    assert shown.title == "24/7 <mark>duty</mark> officer"
    assert shown.email_marked == "<mark>duty</mark>@odpem.jm.example.org"
    assert (shown.country_url, str(shown.country)) == ("/countries/JM", "Jamaica")
    assert shown.area_url == "/areas/disaster-response"
    assert shown.line is not None and shown.line.value == "+18769069674"


def test_the_cards_of_a_request_share_one_card_page(app: Flask) -> None:
    first = create_contact(SYSTEM, contact_data())
    second = create_contact(SYSTEM, contact_data(position_title="Liaison officer"))

    def request() -> CardPage:  # with its own app context, as a server gives each request
        with app.test_request_context("/"):
            card(first)
            page = for_request(CARD_PAGE, pytest.fail)  # made by the first card
            assert isinstance(page, CardPage)
            assert card(second).rank == "Alternate 1"
            assert for_request(CARD_PAGE, pytest.fail) is page
            return page

    assert contextvars.Context().run(request) is not contextvars.Context().run(request)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", 1), ("?page=3", 3), ("?page=0", 1), ("?page=-2", 1), ("?page=x", 1), ("?page=100001", 1)],
)
def test_page_number_is_a_whole_number_from_1(app: Flask, query: str, expected: int) -> None:
    with app.test_request_context(f"/countries/JM/disaster-response{query}"):
        assert page_number() == expected
