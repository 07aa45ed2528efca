"""Pure formatting that the pages, the exports and the services share: no database, no Flask."""
