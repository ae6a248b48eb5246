"""Sense (sentiment of inbound messages): labels, the analysis value, the conversation's rolling mood, settings.

Pure rules. A message gets a label and a score in [-1, 1]; the conversation keeps a rolling mood, an
exponential average of its customer's scores (the newest weighs ``MOOD_WEIGHT``), labelled with the same
thresholds. A conversation "turns negative" when its mood label becomes ``neg`` from anything else.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LABELS = ("pos", "neu", "neg")
POSITIVE_AT = 0.2  # a score at or above it is "pos"
NEGATIVE_AT = -0.2  # at or below it "neg"; between them "neu"
MOOD_WEIGHT = 0.6  # the newest message's share of the rolling mood
ADAPTERS = ("builtin", "http")
MAX_TOPICS = 5


def label_of(score: float) -> str:
    return "pos" if score >= POSITIVE_AT else "neg" if score <= NEGATIVE_AT else "neu"


@dataclass(frozen=True)
class Analysis:
    label: str
    score: float
    topics: tuple[str, ...] = ()

    @staticmethod
    def of(score: float, topics: tuple[str, ...] | list[str] = (), label: str | None = None) -> Analysis:
        score = max(-1.0, min(1.0, float(score)))
        chosen = label if label in LABELS else label_of(score)
        clean = tuple(dict.fromkeys(str(t).strip().lower()[:40] for t in topics if str(t).strip()))
        return Analysis(chosen, round(score, 3), clean[:MAX_TOPICS])


@dataclass(frozen=True)
class Mood:
    label: str
    score: float
    samples: int = 0


def next_mood(previous: Mood | None, analysis: Analysis) -> Mood:
    """The conversation's mood after one more analysed customer message."""
    if previous is None or previous.samples <= 0:
        return Mood(analysis.label, analysis.score, 1)
    score = round(MOOD_WEIGHT * analysis.score + (1 - MOOD_WEIGHT) * previous.score, 3)
    # a clearly negative message makes the conversation negative at once, whatever its past
    label = "neg" if analysis.label == "neg" and analysis.score <= 2 * NEGATIVE_AT else label_of(score)
    return Mood(label, score, previous.samples + 1)


def turned_negative(before: Mood | None, after: Mood) -> bool:
    return after.label == "neg" and (before is None or before.label != "neg")


@dataclass(frozen=True)
class SenseSettings:
    """A tenant's Sense settings. ``sealed_secret``: the HTTP endpoint's secret, encrypted (never returned)."""
    enabled: bool = False
    adapter: str = "builtin"
    url: str | None = None
    model: str | None = None
    sealed_secret: str | None = field(default=None, repr=False)
    updated_at: str | None = None


def settings_view(s: SenseSettings) -> dict[str, Any]:
    return {"enabled": s.enabled, "adapter": s.adapter, "url": s.url, "model": s.model,
            "has_secret": bool(s.sealed_secret), "updated_at": s.updated_at}


def analysis_view(a: Analysis) -> dict[str, Any]:
    return {"label": a.label, "score": a.score, "topics": list(a.topics)}


def evaluation(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-label precision/recall/F1 of ``(expected, predicted)`` labels."""
    per: dict[str, dict[str, float]] = {}
    for label in LABELS:
        tp = sum(1 for e, p in pairs if e == label and p == label)
        fp = sum(1 for e, p in pairs if e != label and p == label)
        fn = sum(1 for e, p in pairs if e == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}
    accuracy = sum(1 for e, p in pairs if e == p) / len(pairs) if pairs else 0.0
    macro = sum(v["f1"] for v in per.values()) / len(LABELS)
    return {"n": len(pairs), "accuracy": round(accuracy, 3), "macro_f1": round(macro, 3), "per_label": per}


def read_labelled(text: str) -> list[tuple[str, str]]:
    """``label<TAB>message`` lines (``#`` comments) → ``(label, message)``."""
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, _, message = line.partition("\t")
        if label not in LABELS or not message:
            raise ValueError(f"bad labelled line: {line!r}")
        rows.append((label, message))
    return rows
