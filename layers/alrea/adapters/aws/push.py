"""Push transport in AWS: API Gateway's WebSocket management API (``post_to_connection``,
``delete_connection``)."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from alrea.adapters.aws.clients import client
from alrea.adapters.push import Sender


class ApiGatewaySender(Sender):
    def __init__(self, endpoint: str) -> None:
        # https://{api-id}.execute-api.{region}.amazonaws.com/{stage}
        self.endpoint = endpoint

    @property
    def _api(self) -> Any:
        return client("apigatewaymanagementapi", endpoint_url=self.endpoint or None)

    def send(self, connection_id: str, data: bytes) -> bool:
        try:
            self._api.post_to_connection(ConnectionId=connection_id, Data=data)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "GoneException":
                return False
            raise
        return True

    def close(self, connection_id: str) -> None:
        try:
            self._api.delete_connection(ConnectionId=connection_id)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "GoneException":
                raise
