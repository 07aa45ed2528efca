"""Use cases: each checks who may act, writes rows and a Change row, and commits once."""
