"""privacy_tenant_deletion (EventBridge, hourly) → services.privacy.run_due_deletions: purge due tenants."""
from __future__ import annotations

from typing import Any

from alrea.core.log import logger
from alrea.services import privacy


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"purged": privacy.run_due_deletions()}
