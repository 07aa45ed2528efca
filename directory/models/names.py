"""Names and descriptions in the four languages, English when one is missing: shared by the
member states and areas as rows (country.py, area.py) and as plain records (records.py)."""

from __future__ import annotations


class Named:
    names: dict[str, str]

    def name(self, lang: str = "en") -> str:
        return self.names.get(lang) or self.names["en"]


class Described(Named):
    descriptions: dict[str, str]

    def description(self, lang: str = "en") -> str:
        return self.descriptions.get(lang) or self.descriptions["en"]
