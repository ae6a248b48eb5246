"""Adapters for the ports: memory (tests, single process), aws (SQS, Step Functions, API Gateway), rabbitmq."""
