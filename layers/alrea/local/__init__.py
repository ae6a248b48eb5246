"""The local runtime: the same handlers, fed the event shapes AWS would send, on moto or LocalStack."""
