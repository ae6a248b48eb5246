"""RabbitMQ adapters (aio-pika): the Bus, and through it the queue-driven Pacer."""
