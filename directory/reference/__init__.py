"""Reference data: the OAS member states, the four mandate areas and the languages.

The member states and areas are read from ``data/`` (``countries.csv``, ``areas.json``); the demo
directory's tables are in ``data/demo/``, read only when ``demo.py`` is imported.
"""

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
