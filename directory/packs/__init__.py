"""The packs blueprint."""
