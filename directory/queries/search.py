"""The search that the page, the API and the vCard download offer: the request read from the
query string, answered by the search index, or by the database when the index is missing or
broken (the answer then says it is degraded).

Every parameter is checked and none trusted. Unknown values (a country that is not a member
state, an area slug that does not exist, a language code nobody speaks) are dropped rather than
refused: a search never fails on its input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from werkzeug.datastructures import MultiDict

from ..models import Area, Country
from ..projections.search.engine import SearchQuery, SearchResults
from ..projections.search.projection import IndexUnavailable, search_index
from ..projections.search.query import MAX_QUERY_CHARACTERS, MAX_WORDS, clean_text
from ..services.browse import simple_search
from ..services.validation import is_language_code
from ..text import words

__all__ = [
    "SearchQuery",
    "SearchRequest",
    "SearchResults",
    "read_search_request",
    "run_search",
    "search_contacts",
    "search_enabled",
]

TRUE_VALUES = {"1", "on", "yes", "true"}


@dataclass(frozen=True)
class SearchRequest:
    query: SearchQuery
    text: str  # the text as it is searched: control characters out, 200 characters at most

    @property
    def params(self) -> dict[str, str]:
        """The query string of this search without its page: links keep what the user chose."""
        q = self.query
        values = {
            "q": self.text,
            "country": q.country,
            "area": q.area,
            "language": q.language,
            "only_24_7": "1" if q.only_24_7 else "",
            "reachable_now": "1" if q.reachable_now else "",
        }
        return {name: value for name, value in values.items() if value}

    def without(self, name: str) -> dict[str, str]:
        params = self.params
        params.pop(name, None)
        return params

    @property
    def is_empty(self) -> bool:
        return not self.text and not self.query.has_filters


def _first(args: MultiDict, name: str, limit: int = 64) -> str:
    # Only the first value, and only a few characters of it: nothing else is ever looked at.
    value = args.get(name) or ""
    return value[:limit].strip()


def _flag(args: MultiDict, name: str) -> bool:
    return _first(args, name, 8).lower() in TRUE_VALUES


def read_search_request(
    args: MultiDict, page: int, per_page: int, countries: list[Country], areas: list[Area]
) -> SearchRequest:
    """``args`` (request.args) as a SearchQuery; ``countries`` and ``areas`` the valid values."""
    country_codes = {country.code for country in countries}
    area_slugs = {area.slug for area in areas}
    # Cut before anything else touches it: one character more than allowed, so that the
    # search still says the text was shortened.
    raw = (args.get("q") or "")[: MAX_QUERY_CHARACTERS + 1]
    country = _first(args, "country", 3).upper()
    area = _first(args, "area")
    language = _first(args, "language", 3).lower()
    query = SearchQuery(
        text=raw,
        country=country if country in country_codes else "",
        area=area if area in area_slugs else "",
        language=language if language.isascii() and is_language_code(language) else "",
        only_24_7=_flag(args, "only_24_7"),
        reachable_now=_flag(args, "reachable_now"),
        page=page,
        per_page=per_page,
    )
    return SearchRequest(query, clean_text(raw)[0])


def search_enabled() -> bool:
    return bool(current_app.config.get("SEARCH_INDEX_DIR"))


def search_contacts(query: SearchQuery, now: datetime) -> SearchResults:
    """The index's answer; the database's when search is turned off, or degraded when the
    index is missing or broken. A page past the last one shows the last one, either way."""
    if search_enabled():
        try:
            return search_index(query, now)
        except IndexUnavailable:
            pass
    text, message = clean_text(query.text)
    found = simple_search(text, query.page, query.per_page)
    return SearchResults(
        found.items,
        found.total,
        found.page,
        query.per_page,
        words=words(text)[:MAX_WORDS],
        message=message,
        degraded=search_enabled(),
    )


def run_search(request: SearchRequest, now: datetime) -> SearchResults:
    return search_contacts(request.query, now)
