"""campaign_scheduler (EventBridge, every minute) → services.campaigns.start_due: start due scheduled campaigns."""
from __future__ import annotations

from typing import Any

from alrea.core.log import logger
from alrea.services import campaigns


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"started": campaigns.start_due()}
