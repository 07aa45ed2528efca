"""The search projection: a Whoosh index following the change log, and the query engine that
answers searches from it.

Whoosh is the storage: segments of posting lists on disk, written by the catch-up. The engine
is our own, over those posting lists read as bit sets: measured on the same documents and the
same 23 queries, Whoosh's own query API took 50-114 ms p95 on the broad queries at 5,000
contacts, against under 1 ms for this (README, "How search answers").

Pure, no index and no database:
    text.py        folding, words, phone digits, a field's words in order (Lexicon)
    query.py       the text a user typed -> clauses of options, each with its weight
    documents.py   contact -> the document the index keeps

Whoosh (``whoosh`` is imported in storage.py only):
    storage.py     the fields and the analyzer; the folder: opening, the copy's id, building a
                   copy and swapping it in, locks
    index.py       the index as a process uses it: searchers and views, catch-up through the
                   follower, rebuild, check

The engine, over the segments' posting lists:
    bitsets.py     sets of documents as ints, and the cache of posting bit sets
    segments.py    what a search reads of one segment, read once
    view.py        a searcher's segments side by side: words, prefixes, typos, filter values
    phones.py      runs of phone digits
    ranking.py     the best page: weight, calling order, index order
    facets.py      the count beside each filter value
    engine.py      a search answered: SearchQuery -> SearchResults

In a running app:
    projection.py  the app's index, caught up after each commit, searched, repaired when broken
"""
