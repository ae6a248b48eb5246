"""pt-BR wording shared by the products' messages."""
from __future__ import annotations


def plural(n: int, one: str, many: str) -> str:
    """``plural(1, "linha lida", "linhas lidas")`` → "1 linha lida"; 0 takes the plural."""
    return f"{n} {one if n == 1 else many}"
