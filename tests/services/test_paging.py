"""paginate: the rows of one page and the count of all, with a page out of range clamped."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from directory.models import Country
from directory.services.paging import Page, paginate

STATES = select(Country.code).order_by(Country.code)  # the 35 member states, a fixed list


def all_codes() -> list[str]:
    return [code for page in range(1, 5) for code in paginate(STATES, page, 10).items]


def test_the_first_page_holds_the_first_rows_and_counts_them_all(app: Flask) -> None:
    found = paginate(STATES, 1, 10)
    assert found.items[:3] == ["AG", "AR", "BB"]
    assert len(found.items) == 10
    assert (found.total, found.page, found.per_page, found.pages) == (35, 1, 10, 4)


def test_pages_follow_each_other_without_gaps_or_repeats(app: Flask) -> None:
    codes = all_codes()
    assert len(codes) == 35 == len(set(codes))
    assert codes == sorted(codes)
    assert paginate(STATES, 4, 10).items == codes[30:]


def test_a_page_out_of_range_is_the_nearest_page(app: Flask) -> None:
    for asked, given in ((0, 1), (-3, 1), (5, 4), (10_000, 4)):
        found = paginate(STATES, asked, 10)
        assert found.page == given, asked
        assert found.items == paginate(STATES, given, 10).items, asked


def test_an_empty_list_has_one_empty_page(app: Flask) -> None:
    found = paginate(STATES.where(Country.code == "XX"), 3, 10)
    assert (found.items, found.total, found.page, found.pages) == ([], 0, 1, 1)


def test_the_count_is_of_the_rows_not_of_the_page(app: Flask) -> None:
    found = paginate(STATES.where(Country.code.like("B%")), 2, 2)
    assert found.total == 5  # BB BO BR BS BZ
    assert found.items == ["BR", "BS"]


@pytest.mark.parametrize(
    ("total", "per_page", "pages"), [(0, 10, 1), (1, 10, 1), (10, 10, 1), (11, 10, 2), (35, 7, 5)]
)
def test_the_number_of_pages_rounds_up(total: int, per_page: int, pages: int) -> None:
    assert Page([], total, 1, per_page).pages == pages
