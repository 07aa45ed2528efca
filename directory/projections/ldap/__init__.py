"""The LDAP projection: pure mapping, then a sync that diffs and executes."""
