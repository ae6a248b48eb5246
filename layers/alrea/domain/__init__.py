"""The domain: plain Python rules (plans, roles, ...) with no I/O and no framework imports."""
