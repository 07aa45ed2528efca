"""Phone numbers as people read them."""

from __future__ import annotations

import phonenumbers

from ..caches import phone_formats


@phone_formats
def format_phone(value: str) -> str:
    """A stored E.164 number as people read it: +1 876-906-9674 (kept: see caches.py)."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
