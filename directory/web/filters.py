"""What templates can call: gettext in the page's language, filters and globals."""

from __future__ import annotations

from flask import Flask

from ..formats.phones import format_phone
from .cards import card, contact_availability, holder_label, is_stale
from .locale import LANGUAGE_NAMES, lang, language_name, name_of, translations
from .times import day_range_names, format_utc, local_clock, now


def init_app(app: Flask) -> None:
    # As flask-babel's, through translations(); the i18n extension adds the method.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.filters.update(
        phone=format_phone,
        local_clock=local_clock,
        utc=format_utc,
        days=day_range_names,
    )
    app.jinja_env.globals.update(
        lang=lang,
        language_name=language_name,
        language_names=LANGUAGE_NAMES,
        availability=contact_availability,
        is_stale=is_stale,
        holder_label=holder_label,
        card=card,
        name_of=name_of,
        now=now,
    )
