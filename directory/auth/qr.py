"""A QR code for an authenticator app, as an inline image (no request leaves the page)."""

from __future__ import annotations

import segno


def qr_data_uri(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)
