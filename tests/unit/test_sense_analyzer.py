"""Sense's analyzers: the built-in lexicon on the project's labelled sets (accuracy floors), its rules
(negation, intensifiers, emoji), the HTTP adapter against a local fake endpoint (timeouts, 5xx, malformed
answers, the circuit breaker), the rolling mood and the sealed secrets."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from alrea.adapters.sense.http import CircuitBreaker, HttpAnalyzer, flavour, parse_answer
from alrea.adapters.sense.lexicon import LexiconAnalyzer, score
from alrea.core.secrets import seal, unseal
from alrea.domain import sense as dom
from alrea.ports.analyzer import AnalyzerUnavailable

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"
# floors set from the measured figures (docs/BENCHMARKS.md: 0.96 / 0.92 accuracy) minus a margin
FLOORS = {"sense_ptbr.tsv": (0.92, 0.92), "sense_ptbr_holdout.tsv": (0.85, 0.85)}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_the_builtin_analyzer_is_accurate_on_the_labelled_sets(name):
    rows = dom.read_labelled((DATA / name).read_text(encoding="utf-8"))
    counts = {label: sum(1 for lab, _ in rows if lab == label) for label in dom.LABELS}
    assert len(set(counts.values())) == 1, f"unbalanced set: {counts}"
    analyzer = LexiconAnalyzer()
    result = dom.evaluation([(label, analyzer.analyze(text).label) for label, text in rows])
    accuracy_floor, f1_floor = FLOORS[name]
    assert result["accuracy"] >= accuracy_floor, result
    assert result["macro_f1"] >= f1_floor, result


def test_the_main_set_has_at_least_200_messages():
    assert len(dom.read_labelled((DATA / "sense_ptbr.tsv").read_text(encoding="utf-8"))) >= 200


@pytest.mark.parametrize(("text", "label"), [
    ("gostei do atendimento", "pos"),
    ("não gostei do atendimento", "neg"),  # negation flips
    ("nao gostei", "neg"),  # without the accent too
    ("péssimo 😡", "neg"),  # emoji count (LeIA's own scorer loses them)
    ("😍😍", "pos"),
    ("não recebi meu pedido", "neg"),  # an expectation negated
    ("qual o horário de vcs?", "neu"),
    ("obrigadaaaa", "pos"),  # squeezed repeats
    ("não tenho do que reclamar", "pos"),
])
def test_lexicon_rules(text, label):
    assert LexiconAnalyzer().analyze(text).label == label


def test_intensifiers_strengthen_and_but_weighs_the_end():
    assert score("muito bom") > score("bom") > 0
    assert score("muito ruim") < score("ruim") < 0
    assert score("caro, mas muito bom") > 0
    assert score("bonito, mas veio quebrado") < 0


def test_topics():
    assert "entrega" in LexiconAnalyzer().analyze("a entrega atrasou de novo").topics
    assert "pagamento" in LexiconAnalyzer().analyze("cobraram duas vezes no cartão").topics


# ---------------------------------------------------------------- rolling mood
def test_mood_rolls_and_a_clearly_negative_message_turns_it_at_once():
    m1 = dom.next_mood(None, dom.Analysis.of(0.7))
    assert (m1.label, m1.samples) == ("pos", 1)
    m2 = dom.next_mood(m1, dom.Analysis.of(-0.1))
    assert m2.label == "neu" or m2.label == "pos"
    m3 = dom.next_mood(m2, dom.Analysis.of(-0.8))
    assert m3.label == "neg" and dom.turned_negative(m2, m3)
    m4 = dom.next_mood(m3, dom.Analysis.of(-0.5))
    assert m4.label == "neg" and not dom.turned_negative(m3, m4)


def test_evaluation_figures():
    result = dom.evaluation([("pos", "pos"), ("neg", "neg"), ("neu", "pos"), ("neu", "neu")])
    assert result["accuracy"] == 0.75
    assert result["per_label"]["pos"] == {"precision": 0.5, "recall": 1.0, "f1": 0.667}


# ---------------------------------------------------------------- sealed secrets
def test_a_sealed_secret_opens_only_with_its_context():
    sealed = seal("s3cr3t", "sense-endpoint", context="tenant-a")
    assert "s3cr3t" not in sealed and sealed.startswith("v1.")
    assert unseal(sealed, "sense-endpoint", context="tenant-a") == "s3cr3t"
    assert unseal(sealed, "sense-endpoint", context="tenant-b") is None
    assert unseal(sealed, "another-purpose", context="tenant-a") is None
    assert unseal(sealed[:-4] + "AAAA", "sense-endpoint", context="tenant-a") is None
    assert unseal("plain", "sense-endpoint") is None


# ---------------------------------------------------------------- the HTTP adapter against a fake endpoint
class FakeEndpoint:
    """A local HTTP server answering from a script: each entry (status, body, delay_s) is used once, the last
    one repeats."""

    def __init__(self) -> None:
        self.script: list[tuple[int, object, float]] = [(200, {"label": "neg", "score": -0.8}, 0.0)]
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                fake.requests.append({"path": self.path, "body": body,
                                      "authorization": self.headers.get("authorization")})
                status, answer, delay = fake.script.pop(0) if len(fake.script) > 1 else fake.script[0]
                time.sleep(delay)
                raw = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/webhook/sense") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    fake = FakeEndpoint()
    yield fake
    fake.close()


def _analyzer(url: str, **kw) -> HttpAnalyzer:
    return HttpAnalyzer(url, "tok", timeout_s=kw.pop("timeout_s", 1.0), breaker=kw.pop("breaker", CircuitBreaker()),
                        backoff_s=(0.01,), **kw)


def test_n8n_webhook_answer_and_secret(endpoint):
    endpoint.script = [(200, {"label": "neg", "score": -0.8, "topics": ["Entrega", "atraso"]}, 0.0)]
    result = _analyzer(endpoint.url()).analyze("cadê meu pedido")
    assert (result.label, result.score, result.topics) == ("neg", -0.8, ("entrega", "atraso"))
    assert endpoint.requests[0]["body"] == {"text": "cadê meu pedido"}
    assert endpoint.requests[0]["authorization"] == "Bearer tok"


def test_openai_and_ollama_flavours(endpoint):
    content = json.dumps({"label": "pos", "score": 0.9, "topics": []})
    endpoint.script = [(200, {"choices": [{"message": {"content": content}}]}, 0.0)]
    assert _analyzer(endpoint.url("/v1/chat/completions")).analyze("amei").label == "pos"
    sent = endpoint.requests[-1]["body"]
    assert sent["messages"][0]["role"] == "system" and sent["messages"][1]["content"] == "amei"
    endpoint.script = [(200, {"message": {"content": content}}, 0.0)]
    assert _analyzer(endpoint.url("/api/chat"), model="qwen2.5").analyze("amei").label == "pos"
    assert endpoint.requests[-1]["body"]["model"] == "qwen2.5"
    assert endpoint.requests[-1]["body"]["stream"] is False
    assert flavour("https://x/webhook/abc") == "webhook"


def test_5xx_is_retried_then_answers(endpoint):
    endpoint.script = [(502, {}, 0.0), (503, {}, 0.0), (200, {"label": "pos", "score": 0.5}, 0.0)]
    assert _analyzer(endpoint.url()).analyze("ok").label == "pos"
    assert len(endpoint.requests) == 3


def test_5xx_past_the_retries_leaves_the_message_for_later(endpoint):
    endpoint.script = [(500, {}, 0.0)]
    with pytest.raises(AnalyzerUnavailable, match="HTTP 500"):
        _analyzer(endpoint.url()).analyze("ok")
    assert len(endpoint.requests) == 3  # one try + two retries


def test_4xx_is_not_retried(endpoint):
    endpoint.script = [(401, {"error": "no"}, 0.0)]
    with pytest.raises(AnalyzerUnavailable, match="HTTP 401"):
        _analyzer(endpoint.url()).analyze("ok")
    assert len(endpoint.requests) == 1


def test_a_timeout_gives_up_quickly(endpoint):
    endpoint.script = [(200, {"label": "pos", "score": 0.5}, 1.5)]
    started = time.perf_counter()
    with pytest.raises(AnalyzerUnavailable, match="timeout"):
        _analyzer(endpoint.url(), timeout_s=0.3).analyze("ok")
    assert time.perf_counter() - started < 1.2


@pytest.mark.parametrize("answer", [
    "not json", {"nothing": 1}, {"label": "talvez"}, {"score": "abc"}, {"label": "pos", "topics": "x"},
    [1, 2], {"choices": []},
], ids=["text", "empty", "unknown-label", "bad-score", "bad-topics", "list", "choices"])
def test_malformed_answers_are_unavailable(endpoint, answer):
    endpoint.script = [(200, answer, 0.0)]
    with pytest.raises(AnalyzerUnavailable, match="malformed"):
        _analyzer(endpoint.url()).analyze("ok")


def test_parse_answer_accepts_english_labels_and_a_missing_score():
    assert parse_answer("webhook", {"label": "Negative"}).label == "neg"
    assert parse_answer("webhook", {"score": 0.9}).label == "pos"
    assert parse_answer("webhook", {"label": "neu", "score": 7}).score == 1.0  # clamped


def test_the_circuit_opens_after_consecutive_failures_and_half_opens(endpoint):
    endpoint.script = [(500, {}, 0.0)]
    breaker = CircuitBreaker(failures_to_open=2, open_s=0.3)
    analyzer = _analyzer(endpoint.url(), breaker=breaker)
    for _ in range(2):
        with pytest.raises(AnalyzerUnavailable):
            analyzer.analyze("ok")
    sent = len(endpoint.requests)
    with pytest.raises(AnalyzerUnavailable, match="circuit open"):
        analyzer.analyze("ok")
    assert len(endpoint.requests) == sent  # nothing sent while open
    time.sleep(0.35)
    endpoint.script = [(200, {"label": "pos", "score": 0.6}, 0.0)]
    assert analyzer.analyze("ok").label == "pos"  # half-open: one call through, it closes the circuit
    assert not breaker.is_open(endpoint.url())


# ---------------------------------------------------------------- reports' pure rules
def test_a_number_failure_alert_fires_once_when_the_rate_crosses_the_line():
    from alrea.domain.reports import number_alert_crossed

    assert number_alert_crossed({"sent": 30, "failed": 3}, {"failed": 1}) is None  # 3/33 ≤ 10%
    assert number_alert_crossed({"sent": 30, "failed": 4}, {"failed": 1}) == "failures"  # 4/34 > 10%, 3/33 was not
    assert number_alert_crossed({"sent": 30, "failed": 5}, {"failed": 1}) is None  # already over before
    assert number_alert_crossed({"sent": 5, "failed": 5}, {"failed": 1}) is None  # too few sends to judge
    assert number_alert_crossed({"sent": 30, "failed": 4}, {"delivered": 1}) is None


def test_the_ab_winner_needs_enough_sends_and_no_tie():
    from alrea.domain.reports import winner

    a = {"sent": 20, "replied": 5, "read": 10}
    b = {"sent": 20, "replied": 2, "read": 15}
    assert winner([(0, a), (1, b)]) == 0
    assert winner([(0, a), (1, {**b, "sent": 5})]) is None
    assert winner([(0, a), (1, dict(a))]) is None
