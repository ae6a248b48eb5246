"""/v1/numbers: the tenant's WhatsApp numbers, for partners (scope ``numbers:read``)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from alrea.api.partner import RESPONSES, PartnerKey, as_principal
from alrea.services import instances

router = APIRouter(prefix="/v1/numbers", tags=["numbers"], responses=RESPONSES)
Reader = PartnerKey("numbers:read")


def shape(instance: Any) -> dict[str, Any]:
    return {"id": instance.instance_id, "name": instance.name, "phone": instance.phone,
            "state": instance.state, "created_at": instance.created_at}


@router.get("")
def list_numbers(key: Reader) -> dict[str, Any]:
    return {"items": [shape(i) for i in instances.list_all(as_principal(key))], "next_cursor": None}


@router.get("/{number_id}")
def get_number(number_id: str, key: Reader) -> dict[str, Any]:
    return shape(instances.get(as_principal(key), number_id))
