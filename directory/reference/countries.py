"""The 35 OAS member states: names in the four official languages, phone region, time zones.

The data is in ``data/countries.csv``, one state a row. Names are the short common forms the
OAS uses in each language (not the formal ISO 3166 "Bolivia, Plurinational State of" style).
Time zones (space-separated) are every IANA zone in use in the state, as listed in the tz
database's ``zone.tab``, with the capital's zone first: Ottawa is in America/Toronto,
Washington, D.C. in America/New_York, Brasília in America/Sao_Paulo, Quito in
America/Guayaquil.
"""

from __future__ import annotations

from dataclasses import dataclass

from .datafiles import read_csv


@dataclass(frozen=True)
class CountryRef:
    code: str  # ISO 3166-1 alpha-2, upper case
    names: dict[str, str]  # keys exactly "en", "es", "pt", "fr"
    phone_region: str  # region code for the `phonenumbers` library (normally == code)
    time_zones: tuple[str, ...]  # IANA zone names, the capital's zone first


COUNTRIES: tuple[CountryRef, ...] = tuple(
    CountryRef(
        code=row["code"],
        names={language: row[language] for language in ("en", "es", "pt", "fr")},
        phone_region=row["phone_region"],
        time_zones=tuple(row["time_zones"].split()),
    )
    for row in read_csv("countries.csv")
)

COUNTRY_BY_CODE: dict[str, CountryRef] = {country.code: country for country in COUNTRIES}
