"""The one Powertools Logger (and Tracer) every module uses. Never print."""
from __future__ import annotations

from aws_lambda_powertools import Logger, Tracer

logger = Logger(service="alrea")
tracer = Tracer(service="alrea")
