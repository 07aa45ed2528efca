"""The page's language, and what is named in it.

The language comes from ``?lang=``, else the ``lang`` cookie (set by the language menu), else
the browser's preference among the four working languages.
"""

from __future__ import annotations

from babel import Locale
from babel.support import NullTranslations, Translations
from flask import current_app, has_request_context, request
from flask_babel import get_locale, get_translations

from ..caches import LOCALE, for_request
from ..models import Area, Country
from ..text import fold

LANGUAGE_NAMES = {"en": "English", "es": "Español", "pt": "Português", "fr": "Français"}


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    if not has_request_context():  # the CLI: messages in the default language
        return current_app.config["DEFAULT_LOCALE"]
    supported = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen is not None and chosen in supported:
        return chosen
    return request.accept_languages.best_match(supported) or current_app.config["DEFAULT_LOCALE"]


def lang() -> str:
    """The request's language code ("en" outside requests)."""
    return _language_and_translations()[0]


def translations() -> Translations | NullTranslations:
    """The request's translations, for the templates' gettext."""
    return _language_and_translations()[1]


def _language_and_translations() -> tuple[str, Translations | NullTranslations]:
    """Made once per request and locale (see caches.py)."""
    locale = get_locale()
    if locale is None:  # outside requests and app contexts
        return "en", get_translations()
    return for_request(LOCALE, lambda: (str(locale), get_translations()), key=locale)


def language_name(code: str) -> str:
    """A language's name in the page's language ("Haitian Creole" for ht in English)."""
    try:
        names = Locale.parse(lang()).languages
    except (ValueError, TypeError):
        return code
    return names.get(code) or code


def name_of(thing: Country | Area) -> str:
    return thing.name(lang())


def sorted_countries(countries: list[Country], language: str) -> list[Country]:
    """The states in the alphabetical order of their names in ``language``."""
    return sorted(countries, key=lambda country: fold(country.name(language)))
