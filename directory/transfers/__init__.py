"""The transfers blueprint."""
