"""What a search asks for, read from the text the user typed. Pure: no index, no database.

User text never reaches a query parser: it is split into folded words, and each word becomes a
clause of options (the word itself, a prefix, near spellings, a state or an area it names, the
digits of a phone number), each with the weight a match through it earns. Every clause must
match; the options of a clause add up. Relies on nothing of Whoosh.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ...reference.vocabulary import vocabulary
from ...text import words
from .text import phone_digits

MAX_QUERY_CHARACTERS = 200
MAX_WORDS = 8
MIN_TYPO_WORD, MAX_TYPO_WORD = 4, 15  # typos are forgiven in words of these lengths...
MAX_TYPO_WORDS = 3  # ...and in this many words of a query
MAX_EXPANDED_WORD = 30  # longer words are matched exactly: no prefix or typo expansion
PHONE_LIKE = re.compile(r"^[\d\s()+\-./]+$")

# What a match through each kind of option is worth: the holder, post, organisation (the
# main text) above the state, above the area, above the notes.
EXACT, PREFIX, TYPO, DIGITS, COUNTRY, AREA = "exact", "prefix", "typo", "digits", "country", "area"
WEIGHTS = {
    (EXACT, "main"): 4.0,
    (COUNTRY, "country"): 3.0,
    (PREFIX, "main"): 2.0,
    (AREA, "area"): 2.0,
    (TYPO, "main"): 1.0,
    (DIGITS, "phones"): 1.0,
    (EXACT, "other"): 0.5,
}


@dataclass(frozen=True)
class Option:
    """One way a word can match: ``kind`` of match on ``field`` for ``text``."""

    kind: str
    field: str
    text: str

    @property
    def weight(self) -> float:
        return WEIGHTS[(self.kind, self.field)]


@dataclass(frozen=True)
class Clause:
    """A word of the query, and the ways it may match; a contact must match one of them."""

    word: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Plan:
    clauses: tuple[Clause, ...]
    words: list[str]  # the folded words, to highlight
    message: str = ""  # "too_long", "too_many_words", "nothing_to_search"


def clean_text(text: str) -> tuple[str, str]:
    """User text made safe to read: control characters dropped, length capped."""
    message = ""
    text = "".join(char if char.isprintable() else " " for char in text or "")
    if len(text) > MAX_QUERY_CHARACTERS:
        text, message = text[:MAX_QUERY_CHARACTERS], "too_long"
    return " ".join(text.split()), message


def plan_query(text: str, known: Callable[[str], bool] = lambda word: True) -> Plan:
    """The clauses of ``text``. ``known(word)`` says whether the index's main text has the
    word: near spellings are only looked for when it does not."""
    text, message = clean_text(text)
    digits = phone_digits(text)  # any script's digits count as the ASCII digits
    if text and PHONE_LIKE.match(text) and len(digits) >= 3:
        return Plan((Clause(digits, (Option(DIGITS, "phones", digits),)),), [], message)
    tokens = words(text)
    if len(tokens) > MAX_WORDS:
        tokens, message = tokens[:MAX_WORDS], message or "too_many_words"
    if not tokens:
        return Plan((), [], message or ("nothing_to_search" if text else ""))
    names = vocabulary()
    clauses = []
    typo_words = 0
    for position, token in enumerate(tokens):
        last = position == len(tokens) - 1
        exact = known(token)
        options = [Option(EXACT, "main", token), Option(EXACT, "other", token)]
        if len(token) <= MAX_EXPANDED_WORD and (last or not exact):
            if len(token) >= (2 if last else 3):  # as-you-type: the last word may be unfinished
                options.append(Option(PREFIX, "main", token))
            if token.isdigit() and len(token) >= 3:
                options.append(Option(DIGITS, "phones", token))
            if (
                not exact
                and MIN_TYPO_WORD <= len(token) <= MAX_TYPO_WORD
                and not token.isdigit()
                and typo_words < MAX_TYPO_WORDS
            ):
                typo_words += 1
                options.append(Option(TYPO, "main", token))
        options += [
            Option(COUNTRY, "country", code)
            for code in sorted(names.lookup(names.countries, token, last))
        ]
        options += [
            Option(AREA, "area", slug) for slug in sorted(names.lookup(names.areas, token, last))
        ]
        clauses.append(Clause(token, tuple(options)))
    return Plan(tuple(clauses), tokens, message)
