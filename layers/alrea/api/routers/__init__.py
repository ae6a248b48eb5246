"""Routers of the REST API. Each product module adds its router to ROUTERS (one line)."""
