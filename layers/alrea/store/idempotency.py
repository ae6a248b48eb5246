"""``Idempotency-Key`` for the partner API, on Powertools' idempotency utility over the one table.

A request's record lives at ``pk=T#<tid>#IDEM  sk=<prefix>#<sha256 of (key id, Idempotency-Key, route)>``
(a partition per tenant, so one busy partner does not heat a shared partition) with the answer it got and a
``ttl`` 24 h ahead, which DynamoDB's TTL deletes. The same key and body within 24 h returns the first answer
without running the work again; the same key with another body is refused (422); a second request while the
first is still running is refused (409) until the first ends or its in-progress window (30 s, the longest an
API Gateway request lives) passes. An answer that raised is not kept: the same key may try again.
DynamoDB per first request: one conditional PutItem (in progress) and one UpdateItem (the answer).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from alrea.core.errors import Conflict, Invalid
from alrea.resources import TABLE
from alrea.store.base import _TableMeta, _connection
from alrea.store.keys import child_pk

WINDOW_S = 24 * 3600
REQUEST_WINDOW_MS = 30_000
REUSED = "Esta Idempotency-Key já foi usada com outro corpo de requisição; use uma chave nova."
IN_PROGRESS = "Uma requisição com esta Idempotency-Key ainda está em andamento; tente de novo em instantes."


class _RequestWindow:
    """Stands in for the Lambda context Powertools reads the in-progress expiry from: an HTTP request's
    work never outlives API Gateway's 29 s integration timeout."""

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return REQUEST_WINDOW_MS


_CONFIG = IdempotencyConfig(event_key_jmespath="[key_id, idempotency_key, route]",
                            payload_validation_jmespath="body", raise_on_no_idempotency_key=True,
                            expires_after_seconds=WINDOW_S, hash_function="sha256",
                            lambda_context=_RequestWindow())  # type: ignore[arg-type]


def partition(tenant_id: str) -> str:
    return child_pk(tenant_id, "IDEM", "v1")


@lru_cache(maxsize=512)
def _layer(tenant_id: str, table_name: str, host: str | None) -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=table_name, key_attr=TABLE.pk, sort_key_attr=TABLE.sk,
                                    static_pk_value=partition(tenant_id), expiry_attr=TABLE.ttl,
                                    boto3_client=_connection(_TableMeta.region, host).client)


def once(tenant_id: str, key_id: str, idempotency_key: str, route: str, body: Any,
         work: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], bool]:
    """``work()``'s answer (a JSON-able dict), run at most once per (key, Idempotency-Key, route) in 24 h;
    and whether this answer is a replay of an earlier one."""
    ran = False

    def run(request: dict[str, Any]) -> dict[str, Any]:
        nonlocal ran
        ran = True
        return work()

    guarded = idempotent_function(run, data_keyword_argument="request", config=_CONFIG,
                                  persistence_store=_layer(tenant_id, _TableMeta.table_name, _TableMeta.host),
                                  key_prefix="v1")
    request = {"key_id": key_id, "idempotency_key": idempotency_key, "route": route, "body": body}
    try:
        answer = guarded(request=request)
    except IdempotencyValidationError:
        raise Invalid(REUSED, field="Idempotency-Key") from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict(IN_PROGRESS) from None
    return answer, not ran
