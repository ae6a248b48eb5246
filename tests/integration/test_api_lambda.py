"""The Lambda path: functions/api/handler.py fed API Gateway REST proxy (v1) events, as AWS would."""

from __future__ import annotations

import base64
import importlib.util
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

HANDLER = Path(__file__).resolve().parents[2] / "functions" / "api" / "handler.py"


@dataclass
class LambdaContext:
    function_name: str = "alrea-api"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:alrea-api"
    aws_request_id: str = "req-1"


def rest_event(
    method: str, path: str, body: dict | None = None, headers: dict | None = None, base64_body: bool = False
) -> dict:
    """An API Gateway REST API proxy integration event (payload format 1.0) for ``ANY /api/{proxy+}``."""
    headers = {
        "Host": "abc123.execute-api.us-east-1.amazonaws.com",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Port": "443",
        "Content-Type": "application/json",
        **(headers or {}),
    }
    raw = json.dumps(body) if body is not None else None
    if raw is not None and base64_body:
        raw = base64.b64encode(raw.encode()).decode()
    return {
        "resource": "/api/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.removeprefix("/api/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/api/{proxy+}",
            "httpMethod": method,
            "path": f"/prod{path}",
            "stage": "prod",
            "requestId": str(uuid.uuid4()),
            "accountId": "123456789012",
            "apiId": "abc123",
            "protocol": "HTTP/1.1",
            "requestTimeEpoch": 1700000000000,
            "identity": {"sourceIp": "203.0.113.10", "userAgent": "pytest"},
        },
        "body": raw,
        "isBase64Encoded": base64_body,
    }


@pytest.fixture
def lambda_handler(api_runtime):
    spec = importlib.util.spec_from_file_location("alrea_fn_api_handler", HANDLER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


def test_health_through_lambda(lambda_handler):
    out = lambda_handler(rest_event("GET", "/api/health"), LambdaContext())
    assert out["statusCode"] == 200
    assert json.loads(out["body"])["status"] == "ok"


def test_signup_then_me_through_lambda(lambda_handler):
    email = f"lambda.{uuid.uuid4().hex[:8]}@acme.com.br"
    out = lambda_handler(
        rest_event(
            "POST",
            "/api/auth/signup",
            {"company": "Via Lambda", "name": "Lia", "email": email, "password": "s3nha-Segura!"},
            base64_body=True,
        ),
        LambdaContext(),
    )
    assert out["statusCode"] == 201, out
    access = json.loads(out["body"])["access"]
    me = lambda_handler(
        rest_event("GET", "/api/me", headers={"Authorization": f"Bearer {access}"}),
        LambdaContext(aws_request_id="req-2"),
    )
    assert me["statusCode"] == 200
    assert json.loads(me["body"])["tenant"]["name"] == "Via Lambda"


def test_errors_through_lambda_keep_their_shape(lambda_handler):
    bad = rest_event("POST", "/api/auth/login")
    bad["body"] = "{not json"
    out = lambda_handler(bad, LambdaContext())
    assert out["statusCode"] == 400
    assert json.loads(out["body"])["error"] == "malformed_json"
    out = lambda_handler(rest_event("GET", "/api/me"), LambdaContext())
    assert out["statusCode"] == 401


def test_the_recorded_sample_event_is_served(lambda_handler):
    """events/aws/apigw-rest-proxy.json (a full REST proxy event), bogus token -> our 401, not a crash."""
    sample = json.loads((HANDLER.parents[2] / "events" / "aws" / "apigw-rest-proxy.json").read_text())
    sample.update(path="/api/me", httpMethod="GET", body=None, pathParameters={"proxy": "me"})
    out = lambda_handler(sample, LambdaContext())
    assert out["statusCode"] == 401
    body = json.loads(out["body"])
    assert body["error"] == "unauthorized" and body["message"]
