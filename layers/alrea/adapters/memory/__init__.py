"""In-process adapters for unit tests and single-process runs (no AWS, no broker)."""
