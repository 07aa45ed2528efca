"""The 35 OAS member states: names in the four official languages, phone region, time zones.

Names are the short common forms the OAS uses in each language (not the formal ISO 3166
"Bolivia, Plurinational State of" style). Time zones are every IANA zone in use in the
state, as listed in the tz database's ``zone.tab``, with the capital's zone first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CountryRef:
    code: str  # ISO 3166-1 alpha-2, upper case
    names: dict[str, str]  # keys exactly "en", "es", "pt", "fr"
    phone_region: str  # region code for the `phonenumbers` library (normally == code)
    time_zones: tuple[str, ...]  # IANA zone names, the capital's zone first


def _country(
    code: str,
    en: str,
    es: str,
    pt: str,
    fr: str,
    time_zones: tuple[str, ...],
    phone_region: str | None = None,
) -> CountryRef:
    return CountryRef(
        code=code,
        names={"en": en, "es": es, "pt": pt, "fr": fr},
        phone_region=phone_region or code,
        time_zones=time_zones,
    )


_ARGENTINA_ZONES: tuple[str, ...] = (
    "America/Argentina/Buenos_Aires",
    "America/Argentina/Cordoba",
    "America/Argentina/Salta",
    "America/Argentina/Jujuy",
    "America/Argentina/Tucuman",
    "America/Argentina/Catamarca",
    "America/Argentina/La_Rioja",
    "America/Argentina/San_Juan",
    "America/Argentina/Mendoza",
    "America/Argentina/San_Luis",
    "America/Argentina/Rio_Gallegos",
    "America/Argentina/Ushuaia",
)

_BRAZIL_ZONES: tuple[str, ...] = (
    "America/Sao_Paulo",  # Brasília shares São Paulo's zone
    "America/Noronha",
    "America/Belem",
    "America/Fortaleza",
    "America/Recife",
    "America/Araguaina",
    "America/Maceio",
    "America/Bahia",
    "America/Campo_Grande",
    "America/Cuiaba",
    "America/Santarem",
    "America/Porto_Velho",
    "America/Boa_Vista",
    "America/Manaus",
    "America/Eirunepe",
    "America/Rio_Branco",
)

_CANADA_ZONES: tuple[str, ...] = (
    "America/Toronto",  # Ottawa
    "America/St_Johns",
    "America/Halifax",
    "America/Glace_Bay",
    "America/Moncton",
    "America/Goose_Bay",
    "America/Blanc-Sablon",
    "America/Iqaluit",
    "America/Atikokan",
    "America/Winnipeg",
    "America/Resolute",
    "America/Rankin_Inlet",
    "America/Regina",
    "America/Swift_Current",
    "America/Edmonton",
    "America/Cambridge_Bay",
    "America/Inuvik",
    "America/Creston",
    "America/Dawson_Creek",
    "America/Fort_Nelson",
    "America/Whitehorse",
    "America/Dawson",
    "America/Vancouver",
)

_CHILE_ZONES: tuple[str, ...] = (
    "America/Santiago",
    "America/Coyhaique",
    "America/Punta_Arenas",
    "Pacific/Easter",
)

_ECUADOR_ZONES: tuple[str, ...] = (
    "America/Guayaquil",  # Quito shares Guayaquil's zone
    "Pacific/Galapagos",
)

_MEXICO_ZONES: tuple[str, ...] = (
    "America/Mexico_City",
    "America/Cancun",
    "America/Merida",
    "America/Monterrey",
    "America/Matamoros",
    "America/Chihuahua",
    "America/Ciudad_Juarez",
    "America/Ojinaga",
    "America/Mazatlan",
    "America/Bahia_Banderas",
    "America/Hermosillo",
    "America/Tijuana",
)

_US_ZONES: tuple[str, ...] = (
    "America/New_York",  # Washington, D.C.
    "America/Detroit",
    "America/Kentucky/Louisville",
    "America/Kentucky/Monticello",
    "America/Indiana/Indianapolis",
    "America/Indiana/Vincennes",
    "America/Indiana/Winamac",
    "America/Indiana/Marengo",
    "America/Indiana/Petersburg",
    "America/Indiana/Vevay",
    "America/Chicago",
    "America/Indiana/Tell_City",
    "America/Indiana/Knox",
    "America/Menominee",
    "America/North_Dakota/Center",
    "America/North_Dakota/New_Salem",
    "America/North_Dakota/Beulah",
    "America/Denver",
    "America/Boise",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "America/Juneau",
    "America/Sitka",
    "America/Metlakatla",
    "America/Yakutat",
    "America/Nome",
    "America/Adak",
    "Pacific/Honolulu",
)

# fmt: off
COUNTRIES: tuple[CountryRef, ...] = (
    _country("AG", "Antigua and Barbuda", "Antigua y Barbuda", "Antígua e Barbuda",
             "Antigua-et-Barbuda", ("America/Antigua",)),
    _country("AR", "Argentina", "Argentina", "Argentina", "Argentine", _ARGENTINA_ZONES),
    _country("BB", "Barbados", "Barbados", "Barbados", "Barbade", ("America/Barbados",)),
    _country("BO", "Bolivia", "Bolivia", "Bolívia", "Bolivie", ("America/La_Paz",)),
    _country("BR", "Brazil", "Brasil", "Brasil", "Brésil", _BRAZIL_ZONES),
    _country("BS", "Bahamas", "Bahamas", "Bahamas", "Bahamas", ("America/Nassau",)),
    _country("BZ", "Belize", "Belize", "Belize", "Belize", ("America/Belize",)),
    _country("CA", "Canada", "Canadá", "Canadá", "Canada", _CANADA_ZONES),
    _country("CL", "Chile", "Chile", "Chile", "Chili", _CHILE_ZONES),
    _country("CO", "Colombia", "Colombia", "Colômbia", "Colombie", ("America/Bogota",)),
    _country("CR", "Costa Rica", "Costa Rica", "Costa Rica", "Costa Rica",
             ("America/Costa_Rica",)),
    _country("CU", "Cuba", "Cuba", "Cuba", "Cuba", ("America/Havana",)),
    _country("DM", "Dominica", "Dominica", "Dominica", "Dominique", ("America/Dominica",)),
    _country("DO", "Dominican Republic", "República Dominicana", "República Dominicana",
             "République dominicaine", ("America/Santo_Domingo",)),
    _country("EC", "Ecuador", "Ecuador", "Equador", "Équateur", _ECUADOR_ZONES),
    _country("GD", "Grenada", "Grenada", "Granada", "Grenade", ("America/Grenada",)),
    _country("GT", "Guatemala", "Guatemala", "Guatemala", "Guatemala", ("America/Guatemala",)),
    _country("GY", "Guyana", "Guyana", "Guiana", "Guyana", ("America/Guyana",)),
    _country("HN", "Honduras", "Honduras", "Honduras", "Honduras", ("America/Tegucigalpa",)),
    _country("HT", "Haiti", "Haití", "Haiti", "Haïti", ("America/Port-au-Prince",)),
    _country("JM", "Jamaica", "Jamaica", "Jamaica", "Jamaïque", ("America/Jamaica",)),
    _country("KN", "Saint Kitts and Nevis", "Saint Kitts y Nevis", "São Cristóvão e Névis",
             "Saint-Kitts-et-Nevis", ("America/St_Kitts",)),
    _country("LC", "Saint Lucia", "Santa Lucía", "Santa Lúcia", "Sainte-Lucie",
             ("America/St_Lucia",)),
    _country("MX", "Mexico", "México", "México", "Mexique", _MEXICO_ZONES),
    _country("NI", "Nicaragua", "Nicaragua", "Nicarágua", "Nicaragua", ("America/Managua",)),
    _country("PA", "Panama", "Panamá", "Panamá", "Panama", ("America/Panama",)),
    _country("PE", "Peru", "Perú", "Peru", "Pérou", ("America/Lima",)),
    _country("PY", "Paraguay", "Paraguay", "Paraguai", "Paraguay", ("America/Asuncion",)),
    _country("SR", "Suriname", "Suriname", "Suriname", "Suriname", ("America/Paramaribo",)),
    _country("SV", "El Salvador", "El Salvador", "El Salvador", "El Salvador",
             ("America/El_Salvador",)),
    _country("TT", "Trinidad and Tobago", "Trinidad y Tobago", "Trinidad e Tobago",
             "Trinité-et-Tobago", ("America/Port_of_Spain",)),
    _country("US", "United States", "Estados Unidos", "Estados Unidos", "États-Unis", _US_ZONES),
    _country("UY", "Uruguay", "Uruguay", "Uruguai", "Uruguay", ("America/Montevideo",)),
    _country("VC", "Saint Vincent and the Grenadines", "San Vicente y las Granadinas",
             "São Vicente e Granadinas", "Saint-Vincent-et-les-Grenadines",
             ("America/St_Vincent",)),
    _country("VE", "Venezuela", "Venezuela", "Venezuela", "Venezuela", ("America/Caracas",)),
)
# fmt: on

COUNTRY_BY_CODE: dict[str, CountryRef] = {country.code: country for country in COUNTRIES}
