"""Request-level glue: language, sign-in requirement, template helpers, security headers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple, TypeVar
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_day_names
from babel.support import NullTranslations, Translations
from flask import (
    Flask,
    current_app,
    g,
    has_request_context,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from .extensions import login_manager
from .formats.phones import format_phone
from .models import Area, Channel, ChannelKind, Contact, Country
from .models.base import utcnow
from .models.hours import Availability, availability, group_days, is_open_at
from .search.highlight import Marker
from .services.tokens import user_for_token
from .services.users import user_for_session_id
from .text import fold

T = TypeVar("T")
LANGUAGE_NAMES = {"en": "English", "es": "Español", "pt": "Português", "fr": "Français"}
PUBLIC_ENDPOINTS = {
    "auth.login",
    "auth.code",
    "auth.setup_code",
    "auth.account_link",
    "static",
    "set_language",
    "favicon",
}


def select_locale() -> str:
    if not has_request_context():  # the CLI: messages in the default language
        return current_app.config["DEFAULT_LOCALE"]
    supported = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in supported:
        return chosen
    return request.accept_languages.best_match(supported) or current_app.config["DEFAULT_LOCALE"]


def _kept_for_locale(name: str, make: Callable[[Locale | None], T]) -> T:
    """``make(locale)`` for the request's locale, made once and kept on ``g`` under ``name``
    until the locale changes (outside a request, made each time)."""
    locale = get_locale()
    if locale is None:
        return make(None)
    kept = g.get(name)
    if kept is None or kept[0] is not locale:
        kept = (locale, make(locale))
        setattr(g, name, kept)
    return kept[1]


def lang() -> str:
    """The request's language code ("en" outside requests)."""
    return _kept_for_locale("language", lambda locale: str(locale or "en"))


def translations() -> Translations | NullTranslations:
    """The request's translations. flask-babel looks them up afresh for every message (its
    locale's name made again each time), which a page of search results feels."""
    return _kept_for_locale("translations", lambda _locale: get_translations())


def now() -> datetime:
    """The time a request sees; tests freeze it with the FROZEN_NOW setting."""
    return g.get("now") or current_app.config.get("FROZEN_NOW") or utcnow()


@login_manager.user_loader
def _load_user(session_id: str):  # type: ignore[no-untyped-def]
    return user_for_session_id(session_id)


@login_manager.request_loader
def _load_user_from_token(req):  # type: ignore[no-untyped-def]
    """API clients: ``Authorization: Bearer <token>``, for the API only."""
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.startswith("Bearer "):
        return None
    token = header.removeprefix("Bearer ").strip()
    user = user_for_token(token)
    if user is not None:
        g.api_token = token  # counted against its rate limit by the API
    return user


def _require_sign_in():  # type: ignore[no-untyped-def]
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        if request.path.startswith("/api/"):
            response = jsonify(error={"status": 401, "message": "Sign in, or send a token."})
            response.headers["WWW-Authenticate"] = 'Bearer realm="directory"'
            return response, 401
        return login_manager.unauthorized()  # says why, and comes back here after sign-in
    return None


def _security_headers(response):  # type: ignore[no-untyped-def]
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    )
    if current_user and getattr(current_user, "is_authenticated", False):
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def local_clock(moment: datetime, pattern: str = "EEE HH:mm") -> str:
    return babel_format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=lang())


def format_utc(moment: datetime | None, pattern: str = "d MMM y, HH:mm") -> str:
    if moment is None:
        return ""
    return babel_format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=lang()) + " UTC"


def day_range_names(days: list[int]) -> str:
    names = get_day_names("abbreviated", locale=lang())
    parts = []
    for first, last in group_days(days):
        parts.append(names[first] if first == last else f"{names[first]}–{names[last]}")
    return ", ".join(parts)


def language_name(code: str) -> str:
    """A language's name in the page's language ("Haitian" for ht in English)."""
    return _language_names(lang()).get(code) or code


@lru_cache(maxsize=32)
def _language_names(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(language).languages)
    except (ValueError, TypeError):
        return {}


def contact_availability(contact: Contact) -> Availability:
    return availability(contact.hours_24_7, contact.hours or [], contact.time_zone, now())


def is_stale(contact: Contact) -> bool:
    return contact.is_stale(now(), current_app.config["STALE_AFTER_DAYS"])


def holder_label(contact: Contact, words: dict[str, str] | None = None) -> str:
    """The holder's name, or what the post is when nobody is named ("Vacant post")."""
    kind = contact.holder_kind.value
    if kind == "named":
        return contact.holder_name
    return (words or card_words())[kind]


def translated_once(name: str, make: Callable[[], dict[str, str]]) -> dict[str, str]:
    """The messages ``make`` translates, in the page's language, translated once per process
    and language (``name`` tells one set from another): for the pages drawn as someone types."""
    known = current_app.extensions.setdefault("translated_once", {})
    key = (name, lang())
    if key not in known:
        known[key] = make()
    return known[key]


def card_words() -> dict[str, str]:
    """The words of a contact card: a page of search results draws twenty."""
    return translated_once(
        "card",
        lambda: {
            "primary": _("Primary"),
            "alternate": _("Alternate %(n)s"),
            "round_the_clock": _("24/7"),
            "reachable_now": _("Reachable now"),
            "closed_now": _("Closed now"),
            "stale": _("Stale"),
            "stale_title": _("Not confirmed within the staleness threshold"),
            "archived": _("Archived"),
            "vacant": _("Vacant post"),
            "desk": _("Functional desk"),
        },
    )


LINKS_KEPT = 50_000  # addresses kept per process: every contact of a large directory, twice


def link(endpoint: str, _query: dict[str, str] | None = None, **values: str) -> str:
    """``url_for(endpoint, **values)`` plus ``_query`` as its query string, for the links a page
    repeats (each card's contact, state and area; each filter): each address is made once per
    process (and script root), then looked up, which costs a tenth of url_for."""
    known = current_app.extensions.setdefault("links", {})
    key = (request.script_root, endpoint, *values.items())
    address = known.get(key)
    if address is None:
        if len(known) >= LINKS_KEPT:
            known.clear()
        address = known[key] = url_for(endpoint, **values)
    query = {name: value for name, value in (_query or {}).items() if value}
    return f"{address}?{urlencode(query)}" if query else address


def name_of(thing: Country | Area) -> str:
    return thing.name(lang())


class Badge(NamedTuple):
    css: str  # its class, beside "badge"
    text: str
    title: str = ""


@dataclass(slots=True)  # not frozen: a frozen class's fields cost twice as much to set
class Card:
    """What a contact card shows, worked out in one call: a page of search results draws
    twenty cards as fast as someone types, and each helper a template calls costs more there."""

    url: str
    rank: str
    title: Markup
    holder_kind: str
    holder: Markup
    organisation: Markup
    unit: Markup
    line: Channel | None
    email: str
    email_marked: Markup
    stale: bool
    badges: tuple[Badge, ...]
    words: dict[str, str]
    country_url: str = ""
    country: Markup = field(default_factory=Markup)
    area_url: str = ""
    area: Markup = field(default_factory=Markup)


class CardPage:
    """What every card of a page shares, worked out once per request: the words, the language,
    the time, and the marked texts that repeat (a state's name on each of its cards)."""

    def __init__(self) -> None:
        self.words = card_words()
        self.language = lang()
        self.now = now()
        self.stale_after_days = current_app.config["STALE_AFTER_DAYS"]
        self.marked: dict[tuple[int, str], Markup] = {}
        self.markers: dict[int, Marker] = {}
        self.places: dict[tuple[int, str, object], tuple[str, Markup]] = {}

    def mark(self, text: str, marks: object) -> Markup:
        """``text`` escaped, with the words a search matched in <mark> when ``marks`` (search
        results) are given."""
        key = (id(marks), text)
        if key not in self.marked:
            marker = self.markers.get(id(marks))
            if marker is None:
                marker = self.markers[id(marks)] = (
                    Marker(marks.words, marks.expanded) if marks else Marker()  # type: ignore[attr-defined]
                )
            self.marked[key] = marker(text)
        return self.marked[key]

    def place(self, contact: Contact, marks: object) -> dict[str, object]:
        """The links to a contact's state and area, their names marked."""
        country_key = (id(marks), "country", contact.country_code)
        if country_key not in self.places:
            self.places[country_key] = (
                link("countries.show", code=contact.country_code),
                self.mark(contact.country.name(self.language), marks),
            )
        area_key = (id(marks), "area", contact.area_id)
        if area_key not in self.places:
            self.places[area_key] = (
                link("areas.show", slug=contact.area.slug),
                self.mark(contact.area.name(self.language), marks),
            )
        (country_url, country), (area_url, area) = self.places[country_key], self.places[area_key]
        return {"country_url": country_url, "country": country, "area_url": area_url, "area": area}


def card(contact: Contact, marks: object = None, where: bool = False) -> Card:
    """The card of ``contact``, its words marked for a search (``marks``), with its state and
    area when ``where``."""
    page = g.get("card_page")
    if page is None:
        page = g.card_page = CardPage()
    words = page.words
    emails = contact.channels_of(ChannelKind.EMAIL)
    badges = []
    if contact.has_24_7:
        badges.append(Badge("badge-24", words["round_the_clock"]))
    if is_open_at(
        contact.hours_24_7 or contact.has_24_7, contact.hours or [], contact.time_zone, page.now
    ):
        badges.append(Badge("badge-open", words["reachable_now"]))
    else:
        badges.append(Badge("badge-closed", words["closed_now"]))
    stale = contact.is_stale(page.now, page.stale_after_days)
    if stale:
        badges.append(Badge("badge-stale", words["stale"], words["stale_title"]))
    if not contact.is_active:
        badges.append(Badge("badge-archived", words["archived"]))
    return Card(
        url=link("contacts.show", public_id=contact.public_id),
        rank=words["alternate"] % {"n": contact.rank - 1} if contact.rank > 1 else words["primary"],
        title=page.mark(contact.position_title, marks),
        holder_kind=contact.holder_kind.value,
        holder=page.mark(holder_label(contact, words), marks),
        organisation=page.mark(contact.organisation, marks),
        unit=page.mark(contact.unit, marks) if contact.unit else Markup(""),
        line=contact.line_24_7,
        email=emails[0].value if emails else "",
        email_marked=page.mark(emails[0].value, marks) if emails else Markup(""),
        stale=stale,
        badges=tuple(badges),
        words=words,
        **(page.place(contact, marks) if where else {}),  # type: ignore[arg-type]
    )


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to use the directory.")
    login_manager.session_protection = "strong"
    app.before_request(_require_sign_in)
    app.after_request(_security_headers)

    @app.route("/favicon.ico", endpoint="favicon")
    def favicon():  # type: ignore[no-untyped-def]
        return redirect(url_for("static", filename="favicon.svg"), code=301)

    @app.route("/language/<code>", endpoint="set_language")
    def set_language(code: str):  # type: ignore[no-untyped-def]
        target = request.args.get("next") or ""
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("home.index")
        response = redirect(target)
        if code in app.config["LANGUAGES"]:
            response.set_cookie(
                "lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
            )
        return response

    app.jinja_env.install_gettext_callables(  # as flask-babel's, through translations()
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.filters.update(
        phone=format_phone,
        local_clock=local_clock,
        utc=format_utc,
        days=day_range_names,
    )
    app.jinja_env.globals.update(
        lang=lang,
        language_name=language_name,
        language_names=LANGUAGE_NAMES,
        availability=contact_availability,
        is_stale=is_stale,
        holder_label=holder_label,
        card=card,
        name_of=name_of,
        now=now,
    )

    from .errors import register_error_handlers

    register_error_handlers(app)


def sorted_countries(countries: list[Country], language: str) -> list[Country]:
    return sorted(countries, key=lambda country: fold(country.name(language)))


def page_number(maximum: int = 100_000) -> int:
    """The ?page= of a listing: a whole number from 1, anything else is page 1."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= maximum else 1
