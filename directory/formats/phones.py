"""Phone numbers as people read them."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers


# Cached: a page of cards formats the same few hundred numbers again and again; a stored
# number's formatting never changes, so the cache is never wrong.
@lru_cache(maxsize=4096)
def format_phone(value: str) -> str:
    """A stored E.164 number as people read it: +1 876-906-9674."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
