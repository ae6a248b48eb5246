"""A property-based run over the partner API's own document (/v1/openapi.json): schemathesis generates requests
for every /v1 operation from the schema — valid and invalid bodies, ids, query values, headers — against the
app on moto, with a key holding every scope. No answer may be a 500, and every status must be documented.
The example count is bounded so the run fits in `make test`."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from alrea.api.app import create_app
from alrea.domain.api_keys import SCOPES

MAX_EXAMPLES = 12


APP = create_app()  # stateless: requests reach the store and runtime the fixtures bind
schema = schemathesis.openapi.from_asgi("/v1/openapi.json", APP)


@pytest.fixture
def every_scope(api_runtime, tenant_a, roomy_partner_rate) -> dict[str, str]:
    secret = tenant_a.post("/api/api-keys", {"name": "fuzz", "scopes": list(SCOPES)}).json()["secret"]
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_500_and_no_undocumented_status(case, every_scope):
    case.call_and_validate(headers=every_scope, checks=[not_a_server_error, status_code_conformance])
