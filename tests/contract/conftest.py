"""Contract fixtures: one suite, every adapter of a port.

Bus adapters: memory (its own broker per test), SQS on moto over HTTP (visibility 2 s, from the ``aws``
fixture), RabbitMQ over AMQP (a unique queue prefix per test, queues deleted after).
"""
from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

from alrea.ports.push import Push

# ------------------------------------------------------------------ Push


class RecordingSender:
    """A Sender that records what each connection got; connections in ``gone`` answer gone."""

    def __init__(self) -> None:
        self.sent: dict[str, list[bytes]] = defaultdict(list)
        self.gone: set[str] = set()

    def send(self, connection_id: str, data: bytes) -> bool:
        if connection_id in self.gone:
            return False
        self.sent[connection_id].append(data)
        return True


@dataclass
class PushWorld:
    """The same verbs over each adapter: register connections, push, read what each connection got."""

    push: Push
    connect: Callable[[str, str, str, list[str]], Any]
    join: Callable[[str, str], Any]
    leave: Callable[[str, str], Any]
    disconnect: Callable[[str], Any]
    members: Callable[[str], list[str]]
    received: Callable[[str], list[dict]]
    gone: Callable[[str], None]
    extra: dict = field(default_factory=dict)


@pytest.fixture(params=["memory", "connections"])
def push_world(request) -> PushWorld:
    if request.param == "memory":
        from alrea.adapters.memory.push import MemoryPush

        push = MemoryPush()
        return PushWorld(push=push, connect=push.connect, join=push.join, leave=push.leave,
                         disconnect=push.disconnect, members=push.members, received=push.received,
                         gone=push.mark_gone)

    request.getfixturevalue("aws")
    from alrea.adapters.push import ConnectionPush
    from alrea.adapters.push import Sender
    from alrea.store import connections

    class Recording(RecordingSender, Sender):
        pass

    sender = Recording()
    push = ConnectionPush(sender, connect_grace_s=0)  # "gone" here means gone: no $connect is in flight
    return PushWorld(push=push, connect=connections.connect, join=connections.join, leave=connections.leave,
                     disconnect=connections.disconnect, members=lambda g: sorted(connections.members(g)),
                     received=lambda c: [json.loads(d) for d in sender.sent.get(c, [])],
                     gone=sender.gone.add)


# ------------------------------------------------------------------ Bus

BUS_ADAPTERS = ["memory", "sqs", "rabbitmq"]


@pytest.fixture(params=BUS_ADAPTERS)
def new_bus(request):
    """A factory of Bus instances on one backend: each instance is one consumer of the same queues."""
    made: list = []

    if request.param == "memory":
        from alrea.adapters.memory.bus import MemoryBroker, MemoryBus

        broker = MemoryBroker(visibility_timeout_s=2)  # as the aws fixture provisions SQS

        def factory():
            made.append(MemoryBus(broker))
            return made[-1]
    elif request.param == "sqs":
        provisioned = request.getfixturevalue("aws")
        from alrea.adapters.aws.sqs import SqsBus

        def factory():
            made.append(SqsBus(provisioned.queue_urls))
            return made[-1]
    else:
        url = request.getfixturevalue("rabbitmq_url")
        from alrea.adapters.rabbitmq.bus import RabbitBus

        prefix = f"test-{uuid.uuid4().hex[:10]}."

        def factory():
            made.append(RabbitBus(url, prefix=prefix))
            return made[-1]

    yield factory
    for bus in made:
        if request.param == "rabbitmq" and bus.health() == "ok":
            bus.delete_queues()
        bus.close()


@pytest.fixture
def bus(new_bus):
    return new_bus()


# ------------------------------------------------------------------ Pacer


@dataclass
class PacerWorld:
    pacer: Any
    bus: Any  # where the planner receives campaign_plan messages
    executions: Callable[[], list[dict]] = lambda: []  # Step Functions only


@pytest.fixture(params=["memory", "rabbitmq", "stepfunctions"])
def pacer_world(request):
    from alrea.adapters.queue_pacer import QueuePacer

    if request.param == "memory":
        from alrea.adapters.memory.bus import MemoryBroker, MemoryBus

        bus = MemoryBus(MemoryBroker())
        yield PacerWorld(QueuePacer(bus), bus)
        bus.close()
    elif request.param == "rabbitmq":
        from alrea.adapters.rabbitmq.bus import RabbitBus

        bus = RabbitBus(request.getfixturevalue("rabbitmq_url"), prefix=f"test-{uuid.uuid4().hex[:10]}.")
        yield PacerWorld(QueuePacer(bus), bus)
        bus.delete_queues()
        bus.close()
    else:
        yield make_sfn_world(request.getfixturevalue("aws"))


@pytest.fixture
def sfn_world(aws):
    """Step Functions on moto only: a factory taking StepFunctionsPacer options."""
    return lambda **pacer_options: make_sfn_world(aws, **pacer_options)


def make_sfn_world(provisioned, **pacer_options) -> PacerWorld:
    from alrea.adapters.aws.clients import client
    from alrea.adapters.aws.sqs import SqsBus
    from alrea.adapters.aws.stepfunctions import StepFunctionsPacer
    from alrea.campaign_run import definition
    from alrea.local.provision import create_state_machine

    arn = create_state_machine(json.dumps(definition(provisioned.queue_urls["campaign_plan"])))
    sfn = client("stepfunctions")

    def executions() -> list[dict]:
        listed = sfn.list_executions(stateMachineArn=arn)["executions"]
        return [sfn.describe_execution(executionArn=e["executionArn"]) for e in listed]

    return PacerWorld(StepFunctionsPacer(arn, **pacer_options), SqsBus(provisioned.queue_urls), executions)
