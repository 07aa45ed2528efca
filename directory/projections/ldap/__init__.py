"""The LDAP projection: mail clients read the directory from an OpenLDAP server kept in step.

settings.py (how to reach the server) -> connection.py (the one ldap3 module) -> records.py
(what the server holds) and desired.py (what the directory wants, through mapping.py, pure) ->
diff.py (actions, pure) -> executor.py (do them, or print them) -> sync.py (the full sync) and
follow.py (every change after it); export.py writes LDIF through ldif.py (pure).
"""
