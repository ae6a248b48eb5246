"""A tenant's WhatsApp number (an Evolution instance), as the store returns it (secrets included: the API
shapes what it shows, never the jwt_key)."""
from __future__ import annotations

from dataclasses import dataclass

STATES = ("close", "connecting", "open", "refused")


@dataclass(frozen=True)
class Instance:
    tenant_id: str
    instance_id: str
    name: str
    evolution_name: str
    webhook_token: str
    jwt_key: str
    state: str = "close"
    wuid: str | None = None
    phone: str | None = None
    profile_name: str | None = None
    created_at: str = ""
    updated_at: str | None = None
    default_department_id: str | None = None  # the inbox routes new conversations there
    connected_at: str | None = None  # when it first opened after being created (campaign warm-up counts from it)
