"""Push contract: every adapter keeps pushes inside the tenant and forgets gone connections."""
from __future__ import annotations

import pytest

from alrea.core.errors import Forbidden, Invalid
from alrea.ports.push import conversation_group, tenant_group, user_group


def test_push_reaches_only_the_groups_tenant(push_world):
    push_world.connect("a1", "tA", "u1", [tenant_group("tA"), user_group("tA", "u1")])
    push_world.connect("a2", "tA", "u2", [tenant_group("tA"), user_group("tA", "u2")])
    push_world.connect("b1", "tB", "u9", [tenant_group("tB"), user_group("tB", "u9")])

    event = {"type": "conversation.updated", "id": "c1", "text": "Olá"}
    assert push_world.push.to_group(tenant_group("tA"), event) == 2
    assert push_world.received("a1") == [event]
    assert push_world.received("a2") == [event]
    assert push_world.received("b1") == []

    assert push_world.push.to_group(user_group("tA", "u2"), {"type": "notice"}) == 1
    assert push_world.received("a2")[-1] == {"type": "notice"}
    assert len(push_world.received("a1")) == 1
    assert push_world.received("b1") == []


def test_a_fan_out_reaches_each_connection_once_with_the_events_in_order(push_world):
    # a manager is in its department's queue group and in the managers group: one delivery, not two
    push_world.connect("m1", "tA", "u1", ["dept:tA:d1", "deptmgr:tA:d1"])
    push_world.connect("a1", "tA", "u2", ["dept:tA:d1"])
    push_world.connect("b1", "tB", "u3", ["dept:tB:d1", "deptmgr:tB:d1"])
    first, second = {"type": "message_received", "n": 1}, {"type": "conversation_updated", "n": 2}

    assert push_world.push.to_groups(["dept:tA:d1", "deptmgr:tA:d1"], [first, second]) == 4
    assert push_world.received("m1") == [first, second]
    assert push_world.received("a1") == [first, second]
    assert push_world.received("b1") == []


def test_join_is_limited_to_the_connections_tenant(push_world):
    push_world.connect("a1", "tA", "u1", [tenant_group("tA")])
    push_world.join("a1", conversation_group("tA", "c7"))
    with pytest.raises(Forbidden):
        push_world.join("a1", conversation_group("tB", "c7"))
    with pytest.raises(Forbidden):
        push_world.connect("x1", "tA", "u1", [tenant_group("tB")])
    with pytest.raises(Invalid):
        push_world.push.to_group("tenant:", {"type": "x"})

    assert push_world.push.to_group(conversation_group("tA", "c7"), {"type": "message"}) == 1
    assert push_world.push.to_group(conversation_group("tB", "c7"), {"type": "message"}) == 0
    push_world.leave("a1", conversation_group("tA", "c7"))
    assert push_world.push.to_group(conversation_group("tA", "c7"), {"type": "message"}) == 0
    assert push_world.received("a1") == [{"type": "message"}]


def test_gone_connection_is_removed(push_world):
    push_world.connect("a1", "tA", "u1", [tenant_group("tA"), conversation_group("tA", "c1")])
    push_world.connect("a2", "tA", "u2", [tenant_group("tA")])
    push_world.gone("a1")

    assert push_world.push.to_group(tenant_group("tA"), {"type": "ping"}) == 1
    assert push_world.members(tenant_group("tA")) == ["a2"]
    assert push_world.members(conversation_group("tA", "c1")) == []
    assert push_world.push.to_group(tenant_group("tA"), {"type": "ping"}) == 1
    assert push_world.received("a2") == [{"type": "ping"}, {"type": "ping"}]


def test_a_connection_still_in_its_connect_is_not_forgotten(aws):
    """A push that reaches a connection between its stored $connect and the transport's readiness (API Gateway's
    GoneException, a local socket not yet registered) must not drop its memberships for good."""
    import uuid

    from alrea.adapters.push import ConnectionPush, Sender
    from alrea.store import connections

    class NotReadyYet(Sender):  # the transport cannot deliver to it (yet)
        def send(self, connection_id: str, data: bytes) -> bool:
            return False

    tid, conn = "t" + uuid.uuid4().hex[:8], "young-" + uuid.uuid4().hex[:8]
    sender = NotReadyYet()
    connections.connect(conn, tid, "u1", [tenant_group(tid), user_group(tid, "u1")])
    assert ConnectionPush(sender).to_group(tenant_group(tid), {"type": "ping"}) == 0
    assert connections.members(tenant_group(tid)) == [conn]
    assert connections.members(user_group(tid, "u1")) == [conn]
    # past the grace the same failure means gone
    assert ConnectionPush(sender, connect_grace_s=0).to_group(tenant_group(tid), {"type": "ping"}) == 0
    assert connections.members(tenant_group(tid)) == []
    assert connections.members(user_group(tid, "u1")) == []


def test_disconnect_forgets_every_membership(push_world):
    push_world.connect("a1", "tA", "u1", [tenant_group("tA"), user_group("tA", "u1")])
    push_world.disconnect("a1")
    push_world.disconnect("a1")  # idempotent: $disconnect may arrive after a gone-cleanup
    assert push_world.members(tenant_group("tA")) == []
    assert push_world.push.to_group(user_group("tA", "u1"), {"type": "x"}) == 0


def test_api_gateway_sender_posts_and_reports_gone(aws, moto_server):
    from botocore.stub import Stubber

    from alrea.adapters.aws.clients import client
    from alrea.adapters.aws.push import ApiGatewaySender
    endpoint = moto_server  # moto's management API stub accepts any connection id
    sender = ApiGatewaySender(endpoint)
    assert sender.send("conn-1", b'{"type":"ping"}') is True  # moto accepts the post

    api = client("apigatewaymanagementapi", endpoint_url=endpoint)
    with Stubber(api) as stub:
        stub.add_client_error("post_to_connection", "GoneException", http_status_code=410)
        stub.add_client_error("post_to_connection", "ForbiddenException", http_status_code=403)
        assert sender.send("conn-gone", b"{}") is False
        with pytest.raises(Exception, match="ForbiddenException"):
            sender.send("conn-x", b"{}")
