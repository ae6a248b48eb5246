"""Key builders: the only place key strings are spelled."""
from __future__ import annotations


def tenant_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}"


def child_pk(tenant_id: str, kind: str, item_id: str) -> str:
    """Partition of a tenant's sub-collection, e.g. messages of one conversation."""
    return f"T#{tenant_id}#{kind}#{item_id}"
