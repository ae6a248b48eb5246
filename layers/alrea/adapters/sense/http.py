"""The HTTP analyzer: the product's legacy setup — an n8n webhook, or an Ollama / OpenAI-compatible chat endpoint.

Flavour by the URL's path: ``…/chat/completions`` → OpenAI-compatible (``choices[0].message.content``),
``…/api/chat`` → Ollama (``message.content``), anything else → a webhook (n8n) that answers the JSON itself.
Chat endpoints get ``PROMPT`` and must answer ``{"label", "score", "topics"}`` as JSON text. The secret goes as
``Authorization: Bearer``. Timeouts are short; a 5xx or a transport error is retried twice with a short pause;
4xx, a timeout or a malformed answer are not (the queue retries the message later). A per-process circuit
breaker per URL opens after ``FAILURES_TO_OPEN`` consecutive failures and lets one call through after
``OPEN_S``: while it is open, nothing is sent and the message is left for a later retry.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from alrea.domain.sense import LABELS, Analysis
from alrea.ports.analyzer import Analyzer, AnalyzerUnavailable

PROMPT = ("Você classifica o sentimento de mensagens curtas de clientes no WhatsApp, em português. Responda "
          "SOMENTE com JSON: {\"label\": \"pos\"|\"neu\"|\"neg\", \"score\": número de -1 a 1, "
          "\"topics\": [até 3 assuntos curtos]}.")
DEFAULT_MODEL = "llama3.1"
FAILURES_TO_OPEN = 5
OPEN_S = 30.0
RETRIES = 2
BACKOFF_S = (0.2, 0.5)
MAX_ANSWER_BYTES = 64 * 1024


@dataclass
class _Circuit:
    failures: int = 0
    opened_at: float | None = None


class CircuitBreaker:
    """Consecutive failures per key; open → calls refused until ``open_s`` passed (then one is let through)."""

    def __init__(self, failures_to_open: int = FAILURES_TO_OPEN, open_s: float = OPEN_S) -> None:
        self.failures_to_open, self.open_s = failures_to_open, open_s
        self._circuits: dict[str, _Circuit] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        with self._lock:
            c = self._circuits.get(key)
            if c is None or c.opened_at is None:
                return True
            if time.monotonic() - c.opened_at >= self.open_s:
                c.opened_at = time.monotonic()  # half-open: this call tries; the others wait another period
                return True
            return False

    def success(self, key: str) -> None:
        with self._lock:
            self._circuits.pop(key, None)

    def failure(self, key: str) -> None:
        with self._lock:
            c = self._circuits.setdefault(key, _Circuit())
            c.failures += 1
            if c.failures >= self.failures_to_open:
                c.opened_at = time.monotonic()

    def is_open(self, key: str) -> bool:
        with self._lock:
            c = self._circuits.get(key)
            return bool(c and c.opened_at is not None and time.monotonic() - c.opened_at < self.open_s)


BREAKER = CircuitBreaker()


def flavour(url: str) -> str:
    path = httpx.URL(url).path.rstrip("/")
    if path.endswith("/chat/completions"):
        return "openai"
    if path.endswith("/api/chat"):
        return "ollama"
    return "webhook"


def _request(kind: str, text: str, model: str) -> dict[str, Any]:
    if kind == "webhook":
        return {"text": text}
    messages = [{"role": "system", "content": PROMPT}, {"role": "user", "content": text}]
    if kind == "ollama":
        return {"model": model, "messages": messages, "stream": False, "format": "json"}
    return {"model": model, "messages": messages, "temperature": 0,
            "response_format": {"type": "json_object"}}


def parse_answer(kind: str, body: Any) -> Analysis:
    """The analysis in an endpoint's answer; ``AnalyzerUnavailable`` when it is not one."""
    try:
        if kind == "openai":
            body = json.loads(body["choices"][0]["message"]["content"])
        elif kind == "ollama":
            body = json.loads(body["message"]["content"])
        label = body.get("label")
        label = str(label).lower() if label is not None else None
        label = {"positive": "pos", "negative": "neg", "neutral": "neu", "positivo": "pos",
                 "negativo": "neg", "neutro": "neu"}.get(label, label)
        raw = body.get("score")
        if label not in LABELS and raw is None:
            raise ValueError("no label and no score")
        if raw is None:
            raw = {"pos": 0.6, "neu": 0.0, "neg": -0.6}[label]
        score = float(raw)
        if score != score:  # NaN
            raise ValueError("score is NaN")
        topics = body.get("topics") or []
        if not isinstance(topics, list):
            raise ValueError("topics is not a list")
        return Analysis.of(score, [str(t) for t in topics], label if label in LABELS else None)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise AnalyzerUnavailable(f"malformed answer: {type(exc).__name__}: {exc}"[:200]) from None


class HttpAnalyzer(Analyzer):
    name = "http"

    def __init__(self, url: str, secret: str | None = None, *, model: str | None = None, timeout_s: float = 5.0,
                 client: httpx.Client | None = None, breaker: CircuitBreaker = BREAKER,
                 backoff_s: tuple[float, ...] = BACKOFF_S) -> None:
        self.url, self.secret, self.model = url, secret, model or DEFAULT_MODEL
        self.timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, 3.0))
        self.client = client or httpx.Client(follow_redirects=False, trust_env=False)
        self.breaker, self.backoff_s = breaker, backoff_s
        self.kind = flavour(url)

    def analyze(self, text: str) -> Analysis:
        if not self.breaker.allow(self.url):
            raise AnalyzerUnavailable("circuit open")
        try:
            answer = self._post(text)
        except AnalyzerUnavailable:
            self.breaker.failure(self.url)
            raise
        self.breaker.success(self.url)
        return answer

    def _post(self, text: str) -> Analysis:
        headers = {"content-type": "application/json", "accept": "application/json"}
        if self.secret:
            headers["authorization"] = f"Bearer {self.secret}"
        payload = _request(self.kind, text, self.model)
        for attempt in range(RETRIES + 1):
            try:
                response = self.client.post(self.url, json=payload, headers=headers, timeout=self.timeout)
            except httpx.TimeoutException:
                raise AnalyzerUnavailable("timeout") from None
            except httpx.TransportError as exc:
                problem = f"transport: {type(exc).__name__}"
            else:
                if response.status_code < 300:
                    if len(response.content) > MAX_ANSWER_BYTES:
                        raise AnalyzerUnavailable("answer too large")
                    try:
                        body = response.json()
                    except ValueError:
                        raise AnalyzerUnavailable("malformed answer: not JSON") from None
                    return parse_answer(self.kind, body)
                if response.status_code < 500:
                    raise AnalyzerUnavailable(f"HTTP {response.status_code}")
                problem = f"HTTP {response.status_code}"
            if attempt < RETRIES:
                time.sleep(self.backoff_s[min(attempt, len(self.backoff_s) - 1)])
        raise AnalyzerUnavailable(problem)
