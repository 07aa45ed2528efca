"""Text analysis and query planning: pure functions, no index and no database."""

from __future__ import annotations

import pytest

from directory.projections.search.query import (
    AREA,
    COUNTRY,
    DIGITS,
    EXACT,
    MAX_QUERY_CHARACTERS,
    MAX_WORDS,
    PREFIX,
    TYPO,
    Plan,
    clean_text,
    plan_query,
)
from directory.projections.search.storage import ANALYZER
from directory.projections.search.text import joined, phone_digits
from directory.reference import AREAS, COUNTRIES
from directory.text import fold, typo_distance, words

# a word's own options; and those naming a value of the reference data
WORD_FIELDS = {(EXACT, "main"), (EXACT, "other"), (PREFIX, "main"), (TYPO, "main")}
NAMED = {COUNTRY: {c.code for c in COUNTRIES}, AREA: {a.slug for a in AREAS}}


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
    assert fold(None) == ""


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


@pytest.mark.parametrize(
    ("number", "digits"),
    [
        ("+1 (767) 448-2222", "17674482222"),
        ("ext. 12", "12"),
        ("", ""),
        ("０８００ ١٢٣", "0800123"),  # full-width and Arabic-Indic digits
    ],
)
def test_phone_digits_are_the_digits_in_ascii(number: str, digits: str) -> None:
    assert phone_digits(number) == digits


def test_the_index_splits_text_as_queries_do() -> None:
    text = "D'Aubigné, Hernández-Ruiz (São João) 24/7 ﬁre ＢＲ"
    assert [token.text for token in ANALYZER(text)] == words(text)


# --- clean_text ---------------------------------------------------------------------------------


def test_clean_text_drops_control_characters_and_squeezes_spaces() -> None:
    assert clean_text("  pro\x00tec\tción\r\n civil\u200f ") == ("pro tec ción civil", "")


def test_clean_text_of_nothing() -> None:
    assert clean_text("") == ("", "")
    assert clean_text(None) == ("", "")


def test_clean_text_cuts_long_text() -> None:
    text, message = clean_text("x" * (MAX_QUERY_CHARACTERS + 50))
    assert message == "too_long"
    assert len(text) == MAX_QUERY_CHARACTERS


# --- plan_query ---------------------------------------------------------------------------------


def options(plan: Plan) -> list[tuple[str, str, str]]:
    return [(o.kind, o.field, o.text) for clause in plan.clauses for o in clause.options]


def assert_only_words(plan: Plan, tokens: list[str]) -> None:
    """Every option is a word of the text on the text fields, its digits on the phones, or a
    state or area of the reference data that a word names."""
    for clause in plan.clauses:
        for option in clause.options:
            if option.kind in NAMED:
                assert option.text in NAMED[option.kind], option
            elif option.kind == DIGITS:
                assert option.field == "phones" and option.text.isdigit(), option
                assert any(option.text in token for token in tokens) or not tokens, option
            else:
                assert (option.kind, option.field) in WORD_FIELDS, option
                assert option.text == clause.word, option
        assert clause.word in tokens or (not tokens and clause.word.isdigit())


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
    plan = plan_query(text, lambda word: everything_known)
    assert plan.words == tokens
    assert [clause.word for clause in plan.clauses] == tokens
    assert_only_words(plan, tokens)


def test_nothing_to_search_is_said() -> None:
    assert plan_query("*** ???") == Plan((), [], "nothing_to_search")
    assert plan_query("   ") == Plan((), [], "")
    assert plan_query("") == Plan((), [], "")


def test_every_word_is_a_clause() -> None:
    plan = plan_query("defensa civil haiti")
    assert [clause.word for clause in plan.clauses] == ["defensa", "civil", "haiti"]


def test_the_last_word_is_a_prefix() -> None:
    plan = plan_query("protección ci", lambda word: True)
    prefixes = [(field, text) for kind, field, text in options(plan) if kind == PREFIX]
    assert prefixes == [("main", "ci")]


def test_a_known_word_is_not_expanded_unless_it_is_the_last() -> None:
    first, _last = plan_query("jamaica haiti", lambda word: True).clauses
    assert {option.kind for option in first.options} <= {EXACT, COUNTRY, AREA}


def test_typos_are_tolerated_by_word_length() -> None:
    plan = plan_query("civl protecion xyz", lambda word: False)
    typos = [o.text for c in plan.clauses for o in c.options if o.kind == TYPO]
    assert typos == ["civl", "protecion"]  # 3 letters: no typo tolerance
    assert (typo_distance("civl"), typo_distance("protecion")) == (1, 2)


def test_typos_in_three_words_at_most() -> None:
    plan = plan_query("aaaa bbbb cccc dddd eeee", lambda word: False)
    typos = [o.text for c in plan.clauses for o in c.options if o.kind == TYPO]
    assert typos == ["aaaa", "bbbb", "cccc"]


def test_very_long_words_are_matched_exactly() -> None:
    word = "a" * 40
    plan = plan_query(word, lambda w: False)
    assert {kind for kind, _, _ in options(plan)} == {EXACT}


def test_state_and_area_names_become_their_values() -> None:
    plan = plan_query("defensa civil haiti")
    named = {(kind, text) for kind, _, text in options(plan) if kind in NAMED}
    assert (COUNTRY, "HT") in named
    assert (AREA, "disaster-response") in named


def test_weights_put_the_main_text_above_the_state_above_the_notes() -> None:
    plan = plan_query("haiti", lambda word: True)
    weight = {(o.kind, o.field): o.weight for o in plan.clauses[0].options}
    assert weight[(EXACT, "main")] > weight[(COUNTRY, "country")] > weight[(EXACT, "other")]


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("767 448", "767448"),
        ("7674482222", "7674482222"),
        ("448-2222", "4482222"),
        ("+1 (767) 448-2222", "17674482222"),
        ("767.448.2222", "7674482222"),
        ("(767) 448", "767448"),
        ("７６７ ４４８", "767448"),  # full-width digits
    ],
)
def test_phone_like_text_searches_the_digits(text: str, digits: str) -> None:
    plan = plan_query(text)
    assert (plan.words, plan.message) == ([], "")
    assert options(plan) == [(DIGITS, "phones", digits)]


def test_two_digits_are_not_a_phone_number() -> None:
    plan = plan_query("24")
    assert plan.words == ["24"]
    assert DIGITS not in {kind for kind, _, _ in options(plan)}


def test_digits_among_words_search_the_phones_too() -> None:
    plan = plan_query("call 767")
    assert (DIGITS, "phones", "767") in options(plan)


def test_long_text_is_cut_with_a_message() -> None:
    plan = plan_query("jamaica " * 100)
    assert plan.message == "too_long"
    assert plan.words == ["jamaica"] * MAX_WORDS


def test_more_than_eight_words_are_cut_with_a_message() -> None:
    text = "one two three four five six seven eight nine ten"
    plan = plan_query(text)
    assert plan.message == "too_many_words"
    assert plan.words == text.split()[:MAX_WORDS]
    assert len(plan.clauses) == MAX_WORDS


def test_eight_words_are_fine() -> None:
    plan = plan_query("one two three four five six seven eight")
    assert (len(plan.words), plan.message) == (8, "")


def test_control_characters_never_reach_the_query() -> None:
    plan = plan_query("haiti\x00\x1b[31m\u202ejamaica")
    assert plan.words == ["haiti", "31m", "jamaica"]
    assert_only_words(plan, plan.words)
