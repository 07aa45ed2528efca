"""Names people read for the fields of a contact, the actions of the change log and the kinds
of channel: for the history, the audit log, error messages and forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import ChannelKind
from .contact import RECORDED

FIELD_LABELS = {spec.name: spec.label for spec in RECORDED}

ACTION_LABELS = {
    "create": _l("created"),
    "update": _l("edited"),
    "archive": _l("archived"),
    "restore": _l("restored"),
    "verify": _l("confirmed still current"),
}

KIND_LABELS = {
    ChannelKind.EMAIL.value: _l("E-mail"),
    ChannelKind.PHONE.value: _l("Phone"),
    ChannelKind.MOBILE.value: _l("Mobile"),
    ChannelKind.FAX.value: _l("Fax"),
    ChannelKind.SATELLITE.value: _l("Satellite phone"),
    ChannelKind.RADIO.value: _l("Radio"),
    ChannelKind.WEBSITE.value: _l("Website"),
}
