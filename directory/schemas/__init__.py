"""Entities declared once: each field's kind, limits, label and where it is written."""
