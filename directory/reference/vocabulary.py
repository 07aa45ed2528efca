"""The member states' and mandate areas' names and synonyms, in four languages, as words a
search can name them by. Pure: built from the reference data."""

from __future__ import annotations

from dataclasses import dataclass

from ..caches import vocabulary_built_once
from ..text import near_spellings, words
from .areas import AREAS
from .countries import COUNTRIES


@dataclass(frozen=True)
class Vocabulary:
    """Words of the member states' and areas' names and synonyms, in four languages."""

    countries: dict[str, frozenset[str]]  # folded word -> country codes
    areas: dict[str, frozenset[str]]  # folded word -> area slugs

    @classmethod
    def from_reference(cls) -> Vocabulary:
        countries: dict[str, set[str]] = {}
        for country in COUNTRIES:
            for text in (country.code, *country.names.values()):
                for word in words(text):
                    countries.setdefault(word, set()).add(country.code)
        areas: dict[str, set[str]] = {}
        for area in AREAS:
            texts = [*area.names.values()]
            texts += [term for terms in area.synonyms.values() for term in terms]
            for text in texts:
                for word in words(text):
                    if len(word) > 2:  # "de", "la": not a reason to match an area
                        areas.setdefault(word, set()).add(area.slug)
        return cls(
            {word: frozenset(codes) for word, codes in countries.items()},
            {word: frozenset(slugs) for word, slugs in areas.items()},
        )

    def lookup(self, table: dict[str, frozenset[str]], token: str, last: bool) -> set[str]:
        """The values of the words ``token`` (folded) spells, begins (when it is the last word
        typed, perhaps unfinished) or misspells by one edit (two from 8 letters)."""
        found = set(table.get(token, ()))
        if last and len(token) >= 2:
            for word, values in table.items():
                if word.startswith(token):
                    found |= values
        if not found and len(token) >= 4:
            for word, _edits, _position in near_spellings(token, list(table)):
                found |= table[word]
        return found


@vocabulary_built_once
def vocabulary() -> Vocabulary:
    """Built from constant data (once per process: see caches.py)."""
    return Vocabulary.from_reference()
