"""Analyzer: the sentiment of one short customer message (Sense, issue 17).

Adapters (chosen per tenant by ``services/sense.py``): the built-in lexicon scorer (no network, no model
download) and the HTTP adapter (an n8n webhook or an Ollama/OpenAI-compatible chat endpoint). The one error
``AnalyzerUnavailable`` means "no answer worth keeping now" (timeout, 5xx, open circuit, malformed answer): the
caller leaves the message unlabelled and lets its queue retry it later.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

from alrea.domain.sense import Analysis


class AnalyzerUnavailable(Exception):
    """The analyzer gave no usable answer (timeout, 5xx, open circuit, malformed body): retry later."""


class Analyzer(ABC):
    name: str = "analyzer"

    @abstractmethod
    def analyze(self, text: str) -> Analysis:
        """The label (pos | neu | neg), a score in [-1, 1] and a few topics of ``text``."""
