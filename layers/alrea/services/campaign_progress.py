"""Live campaign progress for the staff's screens: a progress event (counters, status, ETA) and alerts.

No throttle state: callers push at their own natural rate — the sender once per batch, the planner once per
round, run control and events once per change."""
from __future__ import annotations

from alrea.core.log import logger
from alrea.domain import campaigns as dom
from alrea.services import hooks
from alrea.services.audience import staff_groups
from alrea.services.campaign_reads import eta_of
from alrea.wiring import runtime


def push_progress(c: dom.Campaign | None) -> None:
    if c is None:
        return
    event = {"type": "campaign_progress", "campaign_id": c.id, "counters": c.counters(), "status": c.status,
             "eta": eta_of(c)}
    try:
        runtime().push.to_groups(staff_groups(c.tenant_id), [event])
    except Exception:  # noqa: BLE001 - a lost push is repaired by the next one or a read
        logger.exception("campaign push failed", extra={"campaign_id": c.id})


def alert(tenant_id: str, campaign_id: str, reason: str, message: str, *, paused: bool = True) -> None:
    """A push to the staff's screens; ``paused``: the campaign was paused automatically (a hook fact too)."""
    try:
        runtime().push.to_groups(staff_groups(tenant_id), [{"type": "campaign_alert", "campaign_id": campaign_id,
                                                            "reason": reason, "message": message}])
    except Exception:  # noqa: BLE001
        logger.exception("campaign alert push failed", extra={"campaign_id": campaign_id})
    if not paused:
        return
    hooks.campaign_finished(hooks.CampaignFinished(tenant_id, campaign_id, "auto_paused", reason=reason,
                                                   message=message))
