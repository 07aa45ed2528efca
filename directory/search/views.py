"""The search page: results, filters with counts, and the fragment that search.js fetches."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from ..models import Area, Country
from ..queries.search import (
    SearchRequest,
    SearchResults,
    read_search_request,
    run_search,
    search_enabled,
)
from ..reference import LANGUAGES
from ..services.browse import active_areas, member_states
from ..web.links import link
from ..web.locale import lang, language_name, name_of, sorted_countries
from ..web.paging import page_number
from ..web.times import now

bp = Blueprint("search", __name__, url_prefix="/search")

EXAMPLES = ("protección civil", "Jamaica", "maritime security", "duty officer", "876 523")
PREVIEW_SIZE = 5  # results the home page shows as you type, before "See all"


@dataclass(slots=True)  # a page has fifty: not frozen, which costs twice as much to make
class Option:
    name: str  # the query parameter
    value: str
    label: str
    count: int | None  # None: the index gave no count (no search yet, or no index)
    active: bool
    href: str  # this search with the value chosen, or without it when it is (the toggle)


@dataclass(frozen=True)
class FilterGroup:
    title: str
    options: list[Option]


@dataclass(frozen=True)
class Chip:
    name: str
    label: str


def filter_words() -> dict[str, str]:
    return {
        "availability": _("Availability"),
        "only_24_7": _("24/7 only"),
        "reachable_now": _("Reachable now"),
        "area": _("Mandate area"),
        "country": _("Member state"),
        "language": _("Language spoken"),
    }


def filter_groups(
    search: SearchRequest, found: SearchResults, countries: list[Country], areas: list[Area]
) -> list[FilterGroup]:
    """Each filter's values with their counts; once counted, values with none are left out."""
    q = search.query
    facets = found.facets or {}
    counted = bool(facets)
    language = lang()
    # Each filter's links share the search without that filter: its address is made once.
    bases: dict[str, tuple[str, str]] = {}

    def option(name: str, value: str, label: str, count: int | None, active: bool) -> Option:
        if name not in bases:
            base = link("search.results", search.without(name))
            bases[name] = (base, "&" if "?" in base else "?")
        base, joiner = bases[name]
        href = base if active else f"{base}{joiner}{urlencode({name: value})}"
        return Option(name, value, label, count, active, href)

    def options(name: str, facet: str, values: list[tuple[str, str]], chosen: str) -> list[Option]:
        counts = facets.get(facet, {})
        return [
            option(name, value, label, counts.get(value, 0) if counted else None, value == chosen)
            for value, label in values
            if not counted or counts.get(value) or value == chosen
        ]

    spoken = facets.get("languages", {})
    codes = sorted(spoken, key=lambda code: (-spoken[code], code)) if counted else list(LANGUAGES)
    if q.language and q.language not in codes:
        codes.insert(0, q.language)
    round_the_clock = facets.get("round_the_clock", {}).get("yes", 0) if counted else None
    words = filter_words()
    groups = [
        FilterGroup(
            words["availability"],
            [
                option("only_24_7", "1", words["only_24_7"], round_the_clock, q.only_24_7),
                option("reachable_now", "1", words["reachable_now"], None, q.reachable_now),
            ],
        ),
        FilterGroup(
            words["area"],
            options("area", "area", [(a.slug, a.name(language)) for a in areas], q.area),
        ),
        FilterGroup(
            words["country"],
            options(
                "country", "country", [(c.code, c.name(language)) for c in countries], q.country
            ),
        ),
        FilterGroup(
            words["language"],
            options("language", "languages", [(c, language_name(c)) for c in codes], q.language),
        ),
    ]
    return [group for group in groups if group.options]


def active_chips(
    search: SearchRequest, countries: dict[str, Country], areas: dict[str, Area]
) -> list[Chip]:
    q = search.query
    chips = []
    if q.country:
        chips.append(Chip("country", name_of(countries[q.country])))
    if q.area:
        chips.append(Chip("area", name_of(areas[q.area])))
    if q.language:
        chips.append(Chip("language", _("speaks %(language)s", language=language_name(q.language))))
    if q.only_24_7:
        chips.append(Chip("only_24_7", _("24/7 only")))
    if q.reachable_now:
        chips.append(Chip("reachable_now", _("Reachable now")))
    return chips


@bp.route("")
def results():
    partial = request.args.get("partial") == "1"
    preview = partial and request.args.get("preview") == "1"
    countries = member_states()
    areas = active_areas()
    search = read_search_request(
        request.args,
        1 if preview else page_number(),
        PREVIEW_SIZE if preview else current_app.config["SEARCH_RESULTS_PER_PAGE"],
        countries,
        areas,
    )
    found = run_search(search, now())
    context = {
        "search": search,
        "query": search.text,
        "found": found,
        "filter_groups": filter_groups(search, found, sorted_countries(countries, lang()), areas),
        "chips": active_chips(
            search,
            {country.code: country for country in countries},
            {area.slug: area for area in areas},
        ),
        "can_filter": search_enabled() and not found.degraded,
        "examples": EXAMPLES,
        "preview": preview,
    }
    if partial:
        return render_template("search/_results.html", **context)
    return render_template("search/results.html", **context)
