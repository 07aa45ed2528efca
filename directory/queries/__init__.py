"""Reads that several blueprints share.

search.py     the search request as the page, the API and the vCard download read it, answered
              by the search index, or by the database (marked degraded) when the index is
              missing or broken
highlight.py  a search's words marked in the texts of its results
"""
