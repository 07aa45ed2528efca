"""What the index keeps of a contact: the Whoosh schema and the analyzer of its text fields.

One of the two modules that import ``whoosh`` (the other is ``storage``). Relied on of Whoosh:
``Schema`` with ``ID``/``KEYWORD``/``TEXT`` fields (posting lists per word, read back as bit
sets), ``STORED`` values, numeric and byte ``COLUMN``s (one value per document, read in
document order), and a ``Tokenizer`` subclass as the analyzer, so that the index splits a text
exactly as a query is split.
"""

from __future__ import annotations

from whoosh.analysis import Token, Tokenizer
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from ...text import words

# The filter fields, with a count beside each value; stored, so that a few matches are counted
# one by one from what the index stores (``facets.few_facets``).
FACETS = ("country", "area", "languages", "round_the_clock")


class WordTokenizer(Tokenizer):
    """The folded words of a text, exactly as ``text.words`` splits a query."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, word in enumerate(words(value), start=start_pos):
            token.text = word
            token.stopped = False
            token.boost = 1.0
            if positions:
                token.pos = position
            yield token


ANALYZER = WordTokenizer()
# Stored fields (id, version, the filter values) are read for the page's documents, and for
# every match when they are few: counting a few documents one by one costs less than a pass
# over every filter value's bit set.
SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    version=STORED(),
    country=ID(stored=True),
    area=ID(stored=True),
    languages=KEYWORD(stored=True),
    round_the_clock=ID(stored=True),
    schedule=ID(),
    calling_order=COLUMN(NumericColumn("I")),  # calling order, then 24/7 first
    phones=COLUMN(VarBytesColumn()),  # the digits of each phone number, "|" between them
    phone_groups=KEYWORD(),  # each number's runs of three digits: a query's must all be there
    main=TEXT(analyzer=ANALYZER, phrase=False),
    other=TEXT(analyzer=ANALYZER, phrase=False),
)


def fields_of(schema: Schema) -> list[tuple[str, bool]]:
    """A schema's fields, and whether each is stored: an index built by an earlier version
    differs here, and is rebuilt."""
    return sorted((name, bool(field.stored)) for name, field in schema.items())
