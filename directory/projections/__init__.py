"""Projections of the database: derived, rebuildable, following the Change log."""
