"""``alrea redrive`` against SQS on moto over HTTP, as an operator runs it against the local runtime."""
from __future__ import annotations

import time

import pytest

from alrea.adapters.aws.sqs import SqsBus
from alrea.core.config import reset_settings
from alrea.local import cli
from alrea.resources import queue

NAME = "campaign_plan"


def kill(bus: SqsBus, body: dict) -> str:
    """A message that failed max_receive_count times and sits in the DLQ."""
    message_id = bus.publish(NAME, body)
    deadline = time.monotonic() + 30
    receives = 0
    while time.monotonic() < deadline:
        for delivery in bus.receive(NAME, wait_s=1):
            receives += 1
            bus.nack(delivery)
        if receives >= queue(NAME).max_receive_count and bus.receive(NAME, wait_s=0) == []:
            return message_id
    raise AssertionError("not dead-lettered")


def dlq_depth(bus: SqsBus) -> int:
    from alrea.adapters.aws.clients import client

    attrs = client("sqs").get_queue_attributes(
        QueueUrl=bus.dlq_url(NAME), AttributeNames=["ApproximateNumberOfMessages",
                                                    "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


@pytest.mark.parametrize("with_urls", [True, False], ids=["queue-urls-given", "queue-urls-discovered"])
def test_dry_run_then_redrive_from_the_command_line(aws, capsys, monkeypatch, with_urls):
    bus = SqsBus(aws.queue_urls)
    message_id = kill(bus, {"campaign": "c9"})
    assert dlq_depth(bus) == 1
    if not with_urls:  # as against `alrea dev`: only AWS_ENDPOINT_URL is known, the names are the resources'
        monkeypatch.delenv("ALREA_QUEUE_URLS")
        reset_settings()

    assert cli.main(["redrive", "--queue", NAME, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"{NAME}: would move 1 dead message(s)" in out and message_id in out
    assert dlq_depth(bus) == 1 and bus.receive(NAME, wait_s=0) == []

    assert cli.main(["redrive", "--queue", NAME, "--max", "5"]) == 0
    out = capsys.readouterr().out
    assert f"{NAME}: moved 1 dead message(s)" in out and message_id in out
    assert dlq_depth(bus) == 0
    [back] = bus.receive(NAME, wait_s=2)
    assert back.json() == {"campaign": "c9"} and back.receive_count == 1
    bus.ack(back)


def test_a_bad_queue_or_max_exits_2_with_a_clear_line(aws, capsys):
    assert cli.main(["redrive", "--queue", "nope"]) == 2
    assert "unknown queue 'nope'" in capsys.readouterr().err
    assert cli.main(["redrive", "--queue", NAME, "--max", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err
