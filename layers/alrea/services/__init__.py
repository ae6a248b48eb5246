"""Services: the use cases, orchestrating domain rules, the store and the ports (no framework imports)."""
