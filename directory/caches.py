"""Every cache the directory keeps, in one place: what each holds, the measurement that earns
it its place, and the rule for when what it holds would be wrong.

Measured with ``bench/caches.py``: 5,000 generated contacts, the pages timed with every cache
on and with one turned off, in CPU milliseconds per request in the process (the median of three
pairs of runs). A cache stays when turning it off costs one of the targets' loads 3%:

- search as you type through gunicorn with 2 sync workers, >= 200 searches/s with p99 < 150 ms
  (``bench/search.py``): 217/s while other work shared the machine's 2 cores (280/s on a quiet
  machine), about 9 ms of CPU a search all told, 3.6 ms of it in the app: the bar is 0.28 ms;
- the pages beside it in the production trial's mixed load (contact, state, home and area
  pages): 3% of the page.

Removed for missing that bar: the words of a card and of the search filters translated once per
process and language (0.2 ms of a search; a contact page's 10 ms came from building all of a
card's words for each holder's label, which now translates the one word it shows); a memo of
Babel's language names (its 0.8 ms of a search came from copying Babel's 600 names on every
call, which ``web/locale.py`` no longer does); the incident pack's UTC offsets and stylesheet
text (no difference to the pack, which has no time target); the highlighter's folded words
and texts (0.09 ms of a search); the LDAP mapping's folded values (1.7% of the mapping, noise);
the contact form's list of the Americas' time zones (3.8 ms of a form, which has no target).

The search engine keeps its posting bit sets, and what a segment of the index derives from them,
itself (``projections/search``): a segment never changes once written.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from .models.records import ContactRecord, ReferenceRecord

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

_turned_off: set[str] = set()


def turn_off(*names: str) -> None:
    """For ``bench/caches.py``, before the app is made and the modules that keep the caches are
    imported: the named caches keep nothing, so that what each saves can be measured again."""
    unknown = set(names) - set(NAMES)
    if unknown:
        raise ValueError(f"no such cache: {', '.join(sorted(unknown))}")
    _turned_off.update(names)


def _memo(name: str, maxsize: int | None) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize)``, or nothing when ``name`` was turned off."""

    def decorate(function: F) -> F:
        return function if name in _turned_off else cast(F, lru_cache(maxsize=maxsize)(function))

    return decorate


# --- pure functions ---------------------------------------------------------------------------

# The member states' and areas' names and synonyms as search words (reference/vocabulary.py).
# Measured: 0.47 ms of a search (13%) to build them again.
# Never wrong: built from the reference data in the code, fixed for the process.
VOCABULARY = "vocabulary"
vocabulary_built_once = _memo(VOCABULARY, maxsize=1)

# Stored E.164 numbers as people read them (formats/phones.py): phonenumbers takes 43 µs a number.
# Measured: 0.89 ms of a search (24%), 4.5 ms of a state page (26%), 7.8 ms of an area page
# (25%), 16 ms of a contact page (42%).
# Never wrong: the formatting depends on the number alone (and the phonenumbers release).
PHONE_FORMATS = "phone_formats"
phone_formats = _memo(PHONE_FORMATS, maxsize=4096)

# Time zones by IANA name (models/hours.py). zoneinfo keeps only the last 8 zones it was asked
# for alive; a page of cards asks for dozens, and a zone no longer held is read from disk again.
# Measured: 2.6 ms of an area page (8%); 0.21 ms of a search, under the bar there.
# Never wrong: a zone's rules are read once per process, as zoneinfo's own cache does.
TIME_ZONES = "time_zones"
time_zones = _memo(TIME_ZONES, maxsize=1024)

# An LDAP entry's name prefixes by state and area ("Jamaica Disaster response: " in four
# languages, and folded), for projections/ldap/mapping.py.
# Measured: 150 ms of the 1.1 s mapping 5,000 contacts (14%), which a sync with nothing to do
# (under 5 s at 10,000 contacts) spends on every run.
# Never wrong: built from the reference names given as the key.
LDAP_PREFIXES = "ldap_prefixes"
ldap_prefixes = _memo(LDAP_PREFIXES, maxsize=1024)


# --- per database: contact records and reference records ---------------------------------------

# Contact records by (public id, version), the least recently used dropped first
# (services/records.py): a page of search results is twenty records looked up instead of read.
# Measured: 0.81 ms of a search (22%).
# Never wrong: a version is never written twice, so a record read once stays true for as long
# as its version is the current one; a search asks for the versions its index holds, and an
# edited contact comes with its new version. The verifier is not the contact's own (a user may
# change their e-mail address): it is read afresh each time.
CONTACT_RECORDS = "contact_records"
RECORDS_CACHED = 10_000  # per process and database: the whole directory at its real size, twice

# The member states by code and the areas by id (services/records.py).
# Measured: 1.4 ms of a search (37%), 1.2 ms of the home page (6%), 0.8 ms of a state page (5%).
# Wrong once ``flask seed`` writes the reference data: it forgets them
# (``services.records.forget_reference_records``); and a contact naming a state or an area they
# do not have has them read again.
REFERENCE_RECORDS = "reference_records"


class RecordCache:
    """Contact records by (public id, version), the least recently used dropped first."""

    def __init__(self, limit: int = RECORDS_CACHED) -> None:
        self.limit = limit
        self._records: OrderedDict[tuple[str, int], ContactRecord] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int]) -> ContactRecord | None:
        with self._lock:
            found = self._records.get(key)
            if found is not None:
                self._records.move_to_end(key)
            return found

    def put(self, record: ContactRecord) -> None:
        with self._lock:
            self._records[(record.public_id, record.version)] = record
            while len(self._records) > self.limit:
                self._records.popitem(last=False)

    def __len__(self) -> int:
        return len(self._records)


References = tuple[dict[str, "ReferenceRecord"], dict[int, "ReferenceRecord"]]  # states, areas


class DatabaseCaches:
    """What a process keeps of one database: its contact records and its reference records."""

    def __init__(self) -> None:
        self.reference: References | None = None
        self.records = RecordCache(0 if CONTACT_RECORDS in _turned_off else RECORDS_CACHED)

    def keep_reference(self, found: References) -> None:
        if REFERENCE_RECORDS not in _turned_off:
            self.reference = found


# By engine: each app has its own (tests have many), and an engine is one database.
_DATABASES: weakref.WeakKeyDictionary[Engine, DatabaseCaches] = weakref.WeakKeyDictionary()
_DATABASES_LOCK = threading.Lock()


def database_caches(engine: Engine) -> DatabaseCaches:
    with _DATABASES_LOCK:
        caches = _DATABASES.get(engine)
        if caches is None:
            caches = _DATABASES[engine] = DatabaseCaches()
        return caches


def every_database_caches() -> list[DatabaseCaches]:
    with _DATABASES_LOCK:
        return list(_DATABASES.values())


# --- per app: the links a page repeats ----------------------------------------------------------

# Addresses by (script root, endpoint, values), for web/links.py: url_for costs ten times a
# look-up, and a page of cards makes three links a card.
# Measured: 0.49 ms of a search (13%), 1.6 ms of a state page (9%), 2.4 ms of an area page (7%).
# Never wrong: an address depends on the app's URL map, fixed once the app is made, and on the
# script root and the values, which are the key.
LINKS = "links"
LINKS_KEPT = 50_000  # addresses per app: every contact of a large directory, twice


class Memo:
    """A dict emptied when full."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._found: dict[Hashable, str] = {}

    def get(self, key: Hashable) -> str | None:
        return self._found.get(key)

    def put(self, key: Hashable, value: str) -> str:
        if len(self._found) >= self.limit:
            self._found.clear()
        if self.limit:
            self._found[key] = value
        return value


def link_memo() -> Memo:
    """The app's memo of links."""
    from flask import current_app  # here: models and formats use this module without Flask

    memos = current_app.extensions
    if LINKS not in memos:
        memos[LINKS] = Memo(0 if LINKS in _turned_off else LINKS_KEPT)
    return memos[LINKS]


# --- per request -------------------------------------------------------------------------------

# The page's language code and translations (web/locale.py): flask-babel looks the translations
# up afresh for every message (8 µs: its locale's name is made again each time), and the home
# page's matrix translates and names 35 x 4 cells.
# Measured: 8.2 ms of the home page (37%), 0.85 ms of the largest state page (5%); 0.16 ms of a
# search as you type.
# Wrong if the locale changed within the request (flask-babel's force_locale, for a message in
# its recipient's language): kept with the locale they were made for, and made again for another.
LOCALE = "locale"

# What every card of a page shares (web.cards.CardPage): the words, the language and the time,
# and the marked texts that repeat (a state's name on each of its cards).
# Measured, a card page made for each card instead: 2.4 ms of a search (61%), 11.6 ms of a state
# page (62%), 20 ms of an area page (63%); the marked texts alone, 0.55 ms of a search (15%).
# Never wrong: it lives for one request, and its marked texts are keyed by the search results
# they were marked for, which live as long as the page that draws them.
CARD_PAGE = "card_page"


def for_request(name: str, make: Callable[[], T], key: object = None) -> T:
    """``make()``, made once per request for ``key`` (compared by identity) and kept on ``g``
    under ``name``; made again when asked for another key."""
    from flask import g

    if name in _turned_off:
        return make()
    found = g.get(name)
    if found is None or found[0] is not key:
        found = (key, make())
        setattr(g, name, found)
    return found[1]


NAMES = (
    CONTACT_RECORDS,
    REFERENCE_RECORDS,
    VOCABULARY,
    PHONE_FORMATS,
    TIME_ZONES,
    LDAP_PREFIXES,
    LINKS,
    LOCALE,
    CARD_PAGE,
)
