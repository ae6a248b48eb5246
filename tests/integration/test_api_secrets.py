"""No password or token is stored or logged in clear: only argon2 hashes and sha256 digests of token ids."""

from __future__ import annotations

import io
import logging

import jwt

PASSWORD = "s3nha-Segura!"


def test_no_password_or_token_in_the_store_or_the_logs(aws, client, tenant_a, new_email, app_logs, capsys):
    root, everything = logging.getLogger(), io.StringIO()
    handler = logging.StreamHandler(everything)
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)  # botocore/pynamodb debug logs too (they print request bodies)
    try:
        dept = tenant_a.department()
        agent_password = "Outra-senha-42"
        agent = tenant_a.user("agent", dept, password=agent_password)
        session = tenant_a.login_as(agent["email"], agent_password)
        rotated = client.post("/api/auth/refresh", json={"refresh": session.refresh}).json()
        client.post("/api/auth/login", json={"email": agent["email"], "password": "senha-errada-1"})
        client.post("/api/auth/logout", json={"refresh": rotated["refresh"]})
    finally:
        root.setLevel(previous)
        root.removeHandler(handler)

    secrets = {PASSWORD, agent_password, "senha-errada-1"}
    tokens = {
        tenant_a.access,
        tenant_a.refresh,
        session.access,
        session.refresh,
        rotated["access"],
        rotated["refresh"],
    }
    # a token's signature or its jti would be as good as the token; look for each piece
    pieces = set()
    for token in tokens:
        pieces.add(token.split(".")[2])
        claims = jwt.decode(token, options={"verify_signature": False})
        pieces.add(claims["jti"])

    table = _dump(aws.table_name)
    logs = app_logs.getvalue() + everything.getvalue() + "".join(capsys.readouterr())
    assert "$argon2id$" in table  # what is stored is the hash
    for needle in secrets | tokens | pieces:
        assert needle not in table, "a password or token is stored in clear"
        assert needle not in logs, "a password or token was logged"
    assert "login" in app_logs.getvalue()  # the logs were captured at all
    assert "TransactWriteItems" in everything.getvalue()  # ... including the SDK's request dumps


def _dump(table_name: str) -> str:
    import json

    import boto3

    # a Scan, in the test only: the app never scans
    ddb = boto3.client("dynamodb")
    items, kwargs = [], {"TableName": table_name}
    while True:
        page = ddb.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return json.dumps(items)
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
