"""The one Powertools Logger every module uses. Never print.

No module-level Tracer: importing it pulls in the X-Ray SDK (~190 ms of every cold start, measured by
bench/spine.py) and nothing traces subsegments yet; Lambda's active tracing still records each invocation.
"""
from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger(service="alrea")
