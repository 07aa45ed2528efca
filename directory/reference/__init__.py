"""Literal reference data: the OAS member states, the four mandate areas and the languages."""

from .areas import AREA_BY_SLUG, AREAS, AreaRef
from .countries import COUNTRIES, COUNTRY_BY_CODE, CountryRef

LANGUAGES: tuple[str, ...] = ("en", "es", "pt", "fr")

__all__ = [
    "AREAS",
    "AREA_BY_SLUG",
    "COUNTRIES",
    "COUNTRY_BY_CODE",
    "LANGUAGES",
    "AreaRef",
    "CountryRef",
]
