"""The vcards blueprint."""
