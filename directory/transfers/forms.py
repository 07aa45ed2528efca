"""The CSV download filters and the upload form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField


class DownloadForm(FlaskForm):
    """Read from the query string: no CSRF token, a download changes nothing."""

    class Meta:
        csrf = False

    country = SelectField(_l("Member state"), choices=[], default="")  # set by the view
    area = SelectField(_l("Mandate area"), choices=[], default="")


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose the CSV file to import."))],
        description=_l(
            "UTF-8 CSV with the columns of an export. Rows with a public_id update that "
            "contact; rows without one add a contact."
        ),
    )
    dry_run = BooleanField(
        _l("Check only"),
        default=False,
        description=_l("Check every row and show the report; write nothing."),
    )
