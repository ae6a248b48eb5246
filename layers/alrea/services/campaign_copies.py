"""'Duplicar campanha': a new draft with another campaign's message, variants, audience, numbers and pacing."""
from __future__ import annotations

from alrea.domain import campaigns as dom
from alrea.domain.roles import Principal
from alrea.services import campaign_reads, campaigns

SUFFIX = " (cópia)"
MAX_NAME = 120


def duplicate(caller: Principal, cid: str) -> dom.Campaign:
    """A draft copy (NotFound for another tenant's or no campaign); its schedule is left for the person to set.
    Numbers that no longer exist make the copy fail like a new campaign would (422)."""
    source = campaign_reads.get(caller, cid)
    audience = dict(source.audience or {})
    data = {
        "name": (source.name or "Campanha")[: MAX_NAME - len(SUFFIX)] + SUFFIX,
        "variants": [dict(v) for v in source.variants or []],
        "audience": {k: audience[k] for k in ("tags", "contact_ids") if audience.get(k)},
        "instance_ids": list(source.instance_ids or []),
        "pacing": dict(source.pacing or {}),
        "reply_window_h": source.reply_window_h,
    }
    return campaigns.create(caller, data)
