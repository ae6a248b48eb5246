"""λ api: API Gateway REST proxy events -> the FastAPI app, through Mangum."""
from __future__ import annotations

from typing import Any

from mangum import Mangum

from alrea.api.app import create_app
from alrea.core.log import logger

app = Mangum(create_app(), lifespan="off")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app(event, context)
