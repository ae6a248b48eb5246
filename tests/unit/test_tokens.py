"""Tokens: HS256 only, required claims, typ checked; expired, tampered, alg=none, wrong-key tokens refused."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from alrea.core.config import reset_settings
from alrea.core.errors import Unauthorized
from alrea.services import tokens

SECRET = os.environ["ALREA_JWT_SECRET"]


def _payload(**overrides):
    now = datetime.now(UTC)
    payload = {
        "sub": "u1",
        "tid": "t1",
        "role": "agent",
        "dept": "d1",
        "typ": "access",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "jti": "j1",
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not ...}


def test_access_token_round_trip():
    token = tokens.issue_access("t1", "u1", "manager", "d9")
    claims = tokens.verify_access(token)
    assert claims == tokens.Claims(tenant_id="t1", user_id="u1", role="manager", department_id="d9")
    decoded = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert decoded["typ"] == "access" and decoded["jti"]
    assert decoded["exp"] - decoded["iat"] == 900


def test_refresh_token_round_trip_and_types_do_not_mix():
    issued = tokens.issue_refresh("t1", "u1", "fam-1")
    claims = tokens.verify_refresh(issued.token)
    assert (claims.tenant_id, claims.user_id, claims.family, claims.jti) == ("t1", "u1", "fam-1", issued.jti)
    with pytest.raises(Unauthorized):
        tokens.verify_access(issued.token)
    with pytest.raises(Unauthorized):
        tokens.verify_refresh(tokens.issue_access("t1", "u1", "admin", None))


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda: jwt.encode(
                _payload(
                    iat=datetime.now(UTC) - timedelta(hours=1), exp=datetime.now(UTC) - timedelta(seconds=1)
                ),
                SECRET,
                "HS256",
            ),
            id="expired",
        ),
        pytest.param(lambda: jwt.encode(_payload(), None, algorithm="none"), id="alg_none"),
        pytest.param(lambda: jwt.encode(_payload(), "wrong-key-" + "z" * 32, "HS256"), id="wrong_key"),
        pytest.param(lambda: jwt.encode(_payload(), SECRET, "HS512"), id="other_alg_same_key"),
        pytest.param(lambda: jwt.encode(_payload(tid=...), SECRET, "HS256"), id="no_tid"),
        pytest.param(lambda: jwt.encode(_payload(exp=...), SECRET, "HS256"), id="no_exp"),
        pytest.param(lambda: jwt.encode(_payload(iat=...), SECRET, "HS256"), id="no_iat"),
        pytest.param(lambda: jwt.encode(_payload(sub=...), SECRET, "HS256"), id="no_sub"),
        pytest.param(lambda: jwt.encode(_payload(tid=42), SECRET, "HS256"), id="tid_not_a_string"),
        pytest.param(lambda: jwt.encode(_payload(typ="refresh"), SECRET, "HS256"), id="wrong_typ"),
        pytest.param(lambda: "", id="empty"),
        pytest.param(lambda: "a.b.c", id="garbage"),
    ],
)
def test_bad_tokens_are_unauthorized(make):
    with pytest.raises(Unauthorized):
        tokens.verify_access(make())


def test_a_tampered_payload_is_refused():
    head, _, sig = tokens.issue_access("t1", "u1", "agent", "d1").split(".")
    forged = jwt.encode(_payload(role="admin"), "whatever-" + "k" * 32, "HS256").split(".")[1]
    with pytest.raises(Unauthorized):
        tokens.verify_access(f"{head}.{forged}.{sig}")


def test_jti_hash_is_sha256_and_does_not_contain_the_id():
    digest = tokens.jti_hash("abc-123")
    assert digest == hashlib.sha256(b"abc-123").hexdigest()
    assert "abc-123" not in digest


def test_secret_from_secrets_manager_when_an_arn_is_set(moto_server, monkeypatch):
    import boto3
    from aws_lambda_powertools.utilities import parameters

    arn = boto3.client("secretsmanager").create_secret(
        Name="alrea/jwt-test", SecretString="from-secrets-manager-" + "s" * 32
    )["ARN"]
    monkeypatch.setenv("ALREA_JWT_SECRET_ARN", arn)
    reset_settings()
    parameters.clear_caches()
    try:
        token = tokens.issue_access("t1", "u1", "admin", None)
        jwt.decode(token, "from-secrets-manager-" + "s" * 32, algorithms=["HS256"])  # signed with that secret
        assert tokens.verify_access(token).tenant_id == "t1"
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(token, SECRET, algorithms=["HS256"])
    finally:
        monkeypatch.delenv("ALREA_JWT_SECRET_ARN")
        reset_settings()
        parameters.clear_caches()
