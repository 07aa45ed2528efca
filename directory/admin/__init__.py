"""Administration: users and roles, sign-in policy, the audit log (admins only)."""
