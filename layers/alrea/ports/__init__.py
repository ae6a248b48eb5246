"""Ports: what the domain needs from the outside world. Adapters live in alrea.adapters."""
