"""The same 50-recipient campaign on RabbitMQ: RabbitBus + QueuePacer (delayed plan messages), DynamoDB on
moto, the Evolution simulator over HTTP. Its own module: the runtime binds the models to its own table."""
from __future__ import annotations

from test_campaigns_run import make_world, run_fifty


def test_fifty_recipients_on_rabbitmq_exactly_once(moto_server, rabbitmq_url):
    from alrea.adapters.queue_pacer import QueuePacer

    world = make_world(moto_server, rabbitmq_url, reset=False)
    try:
        assert isinstance(world.rt.runtime.pacer, QueuePacer)
        run_fifty(world)
    finally:
        try:
            world.rt.runtime.bus.delete_queues()
        except Exception:  # noqa: BLE001 - cleanup only
            pass
        world.rt.stop()
