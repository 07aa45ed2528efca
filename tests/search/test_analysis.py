"""Text analysis and query building: pure functions, no index and no database."""

from __future__ import annotations

import pytest
from whoosh.query import And, FuzzyTerm, Or, Phrase, Prefix, Query, Term

from directory.projections.search import (
    MAX_QUERY_CHARACTERS,
    MAX_WORDS,
    build_query,
    clean_text,
    transpositions,
)
from directory.projections.text import digit_runs, joined
from directory.reference import AREAS, COUNTRIES
from directory.text import fold, words

TEXT_FIELDS = {"main", "other", "digits"}  # these carry the words of the text
# these carry only values of the reference data that a word of the text named
NAMED = {"country": {c.code for c in COUNTRIES}, "area": {a.slug for a in AREAS}}


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Protección Civil", "proteccion civil"),
        ("São João da Barra", "sao joao da barra"),
        ("Défense civile", "defense civile"),
        ("NÚÑEZ", "nunez"),
        ("Zoë", "zoe"),
        ("Straße", "strasse"),
        ("D'Aubigné", "d'aubigne"),
        ("ﬁre", "fire"),  # a ligature
        ("ＢＲ", "br"),  # full-width letters
        ("", ""),
    ],
)
def test_fold_drops_case_and_accents(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_of_nothing_is_empty() -> None:
    assert fold(None) == ""  # type: ignore[arg-type]


def test_words_split_on_anything_not_a_letter_or_digit() -> None:
    assert words("D'Aubigné, Hernández-Ruiz (São João) 24/7") == [
        "d",
        "aubigne",
        "hernandez",
        "ruiz",
        "sao",
        "joao",
        "24",
        "7",
    ]


@pytest.mark.parametrize(
    ("name", "together"),
    [
        ("O'Neil", "oneil"),
        ("O’Neil", "oneil"),
        ("D'Aubigné", "daubigne"),
        ("Hernández-Ruiz", "hernandezruiz"),
        ("Hernández–Ruiz", "hernandezruiz"),  # an en dash
        ("São João", "saojoao"),
        ("St. John's", "stjohns"),
        ("Núñez", "nunez"),
    ],
)
def test_joined_writes_names_as_people_type_them(name: str, together: str) -> None:
    assert joined(name) == together


def windows(digits: str) -> list[str]:
    return [digits[start : start + 3] for start in range(len(digits) - 2)]


def test_digit_runs_cover_every_three_digits_in_a_row() -> None:
    digits = "17674482222"
    runs = digit_runs("+1 (767) 448-2222")
    assert runs
    assert all(run.isdigit() and len(run) >= 3 and run in digits for run in runs)
    for window in windows(digits):  # 448-2222, 767 448 are searchable from these
        assert any(run.startswith(window) for run in runs), window


def test_digit_runs_of_too_few_digits_is_empty() -> None:
    assert digit_runs("ext. 12") == []
    assert digit_runs("") == []


def test_transpositions_include_the_swap_and_skip_doubled_letters() -> None:
    assert "jamaica" in transpositions("jamiaca")
    assert "jamaica" in transpositions("ajmaica")
    assert transpositions("aab") == ["aba"]  # swapping the two a's changes nothing
    assert transpositions("a") == []


# --- clean_text ---------------------------------------------------------------------------------


def test_clean_text_drops_control_characters_and_squeezes_spaces() -> None:
    assert clean_text("  pro\x00tec\tción\r\n civil\u200f ") == ("pro tec ción civil", "")


def test_clean_text_of_nothing() -> None:
    assert clean_text("") == ("", "")
    assert clean_text(None) == ("", "")  # type: ignore[arg-type]


def test_clean_text_cuts_long_text() -> None:
    text, message = clean_text("x" * (MAX_QUERY_CHARACTERS + 50))
    assert message == "too_long"
    assert len(text) == MAX_QUERY_CHARACTERS


# --- build_query --------------------------------------------------------------------------------


def leaves(query: Query) -> list[Query]:
    """Every leaf, checking on the way that the only compound queries are And and Or."""
    if isinstance(query, And | Or):
        return [leaf for child in query.subqueries for leaf in leaves(child)]
    return [query]


def assert_only_words(query: Query | None, tokens: list[str]) -> None:
    """Only Term, Prefix and FuzzyTerm on the text fields, on the words of the text; and
    Term on a country or area, for a code or slug of the reference data."""
    if query is None:
        return
    allowed = set(tokens) | {swap for token in tokens for swap in transpositions(token)}
    for leaf in leaves(query):
        assert type(leaf) in (Term, Prefix, FuzzyTerm, Phrase), leaf
        assert leaf.fieldname in TEXT_FIELDS | NAMED.keys(), leaf
        if leaf.fieldname in NAMED:
            assert type(leaf) is Term, leaf
            assert leaf.text in NAMED[leaf.fieldname], leaf
        elif leaf.fieldname == "digits":  # groups of the digits of a word
            groups = leaf.words if isinstance(leaf, Phrase) else [leaf.text]
            assert all(any(g in token for token in tokens) for g in groups), leaf
            assert all(group.isdigit() for group in groups), leaf
        else:
            assert type(leaf) is not Phrase, leaf
            assert leaf.text in allowed, leaf


HOSTILE = [
    ("*", []),
    ("k*", ["k"]),
    ("*a*", ["a"]),
    ("?", []),
    ("name:[a TO z]", ["name", "a", "to", "z"]),
    ("a~9", ["a", "9"]),
    ("jamaica~2", ["jamaica", "2"]),
    ("NOT NOT NOT", ["not", "not", "not"]),
    ("state:US", ["state", "us"]),
    ("country:JM AND area:*", ["country", "jm", "and", "area"]),
    ('"proteccion civil"', ["proteccion", "civil"]),
    ("'", []),
    ('"', []),
    ("(haiti OR jamaica)", ["haiti", "or", "jamaica"]),
    ("[{()}]", []),
    ("-haiti +jamaica", ["haiti", "jamaica"]),
    ("id:abc123 version:>1", ["id", "abc123", "version", "1"]),
    ("haiti^10", ["haiti", "10"]),
    ("\\*\\:", []),
    ("%_%", ["_"]),
    ("call 767 448 now*", ["call", "767", "448", "now"]),
    ("ext:4482222~", ["ext", "4482222"]),
]


@pytest.mark.parametrize(("text", "tokens"), HOSTILE)
@pytest.mark.parametrize("everything_known", [True, False])
def test_query_syntax_is_only_words(text: str, tokens: list[str], everything_known: bool) -> None:
    query, found, _message = build_query(text, lambda field, word: everything_known)
    assert found == tokens
    if not tokens:
        assert query is None
    else:
        assert query is not None
        assert_only_words(query, tokens)


def test_nothing_to_search_is_said() -> None:
    assert build_query("*** ???") == (None, [], "nothing_to_search")
    assert build_query("   ") == (None, [], "")
    assert build_query("") == (None, [], "")


def test_every_word_is_required() -> None:
    query, tokens, _ = build_query("defensa civil haiti")
    assert isinstance(query, And)
    assert len(query.subqueries) == len(tokens) == 3


def test_the_last_word_is_a_prefix() -> None:
    query, _, _ = build_query("protección ci", lambda field, word: True)
    prefixes = [leaf for leaf in leaves(query) if isinstance(leaf, Prefix)]
    assert [(leaf.fieldname, leaf.text) for leaf in prefixes] == [("main", "ci")]


def test_a_known_word_is_not_expanded_unless_it_is_the_last() -> None:
    query, _, _ = build_query("jamaica haiti", lambda field, word: True)
    first, _last = query.subqueries
    assert all(isinstance(leaf, Term) for leaf in leaves(first))


def test_typos_are_tolerated_by_word_length() -> None:
    query, _, _ = build_query("civl protecion xyz", lambda field, word: False)
    fuzzy = {leaf.text: leaf.maxdist for leaf in leaves(query) if isinstance(leaf, FuzzyTerm)}
    assert fuzzy == {"civl": 1, "protecion": 2}  # 3 letters: no typo tolerance


def test_a_swap_is_tried_as_a_word_of_its_own() -> None:
    query, _, _ = build_query("jamiaca", lambda field, word: word == "jamaica")
    terms = {(leaf.fieldname, leaf.text) for leaf in leaves(query) if type(leaf) is Term}
    assert ("main", "jamaica") in terms


def test_very_long_words_are_matched_exactly() -> None:
    word = "a" * 40
    query, _, _ = build_query(word, lambda field, w: False)
    assert [type(leaf) for leaf in leaves(query)] == [Term]


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("767 448", "767448"),
        ("7674482222", "7674482222"),
        ("448-2222", "4482222"),
        ("+1 (767) 448-2222", "17674482222"),
        ("767.448.2222", "7674482222"),
        ("(767) 448", "767448"),
    ],
)
def test_phone_like_text_searches_the_digits(text: str, digits: str) -> None:
    query, tokens, message = build_query(text)
    assert (tokens, message) == ([], "")
    found = leaves(query)
    assert {leaf.fieldname for leaf in found} == {"digits"}
    words = [word for leaf in found for word in getattr(leaf, "words", None) or [leaf.text]]
    # every three digits in a row, in the order typed; from seven digits a phrase, so the
    # groups must stand next to each other in the number
    assert words == windows(digits)
    assert isinstance(query, Phrase) == (len(digits) >= 7)


def test_two_digits_are_not_a_phone_number() -> None:
    query, tokens, _ = build_query("24")
    assert tokens == ["24"]
    assert all(leaf.fieldname != "digits" for leaf in leaves(query))


def test_long_text_is_cut_with_a_message() -> None:
    text = "jamaica " * 100
    query, tokens, message = build_query(text)
    assert message == "too_long"
    assert query is not None
    assert tokens == ["jamaica"] * MAX_WORDS


def test_more_than_eight_words_are_cut_with_a_message() -> None:
    text = "one two three four five six seven eight nine ten"
    query, tokens, message = build_query(text)
    assert message == "too_many_words"
    assert tokens == text.split()[:MAX_WORDS]
    assert len(query.subqueries) == MAX_WORDS


def test_eight_words_are_fine() -> None:
    _, tokens, message = build_query("one two three four five six seven eight")
    assert (len(tokens), message) == (8, "")


def test_control_characters_never_reach_the_query() -> None:
    query, tokens, _ = build_query("haiti\x00\x1b[31m\u202ejamaica")
    assert tokens == ["haiti", "31m", "jamaica"]
    assert_only_words(query, tokens)
