"""Sense: the sentiment of customers' messages (the ``sense`` product, issue 17).

- ``on_message_stored`` (a hook listener, services/hooks.py) puts an inbound 1:1 text of a tenant with Sense on
  the ``sense_analyze`` FIFO queue (group = the conversation, so a conversation's messages are analysed in
  order; dedupe = the message). Nothing is analysed in the webhook path.
- ``analyze`` (the ``analyze`` function) runs the tenant's analyzer, stores label + score on the message, moves
  the conversation's rolling mood (domain/sense.py), pushes ``message_updated`` and ``conversation_updated`` to
  the conversation's audience, and tells the department's managers (no department or no manager: the admins)
  when the conversation turns negative. An analyzer that gives no usable answer raises: the message stays
  unlabelled and the queue retries it (after its max receives it waits in the DLQ for a redrive).
- Settings per tenant (``/api/sense/settings``, admins): on/off, adapter, URL, model, secret (sealed with
  core/secrets.seal, never returned), and ``test`` analyses a sample sentence with the given settings.

``sense_enabled(tenant_id)`` is the one gate the product check joins (DECISIONS 32E).
"""
from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from alrea.core.config import get_settings
from alrea.core.errors import Invalid
from alrea.core.log import logger
from alrea.core.secrets import seal, unseal
from alrea.domain import sense as dom
from alrea.domain import webhooks as webhook_rules
from alrea.domain.conversations import conversation_view
from alrea.domain.messages import message_view
from alrea.domain.roles import Principal
from alrea.domain.sense import Analysis, Mood, SenseSettings
from alrea.ports.analyzer import Analyzer, AnalyzerUnavailable
from alrea.services import audience, hooks
from alrea.store import sense as store
from alrea.store.cache import TtlCache
from alrea.wiring import build_analyzer, runtime

QUEUE = "sense_analyze"
SECRET_PURPOSE = "sense-endpoint"
MAX_TEXT = 2000  # characters sent to an analyzer
SAMPLE = "Adorei o atendimento, muito obrigada! 😍"
_MOOD_RETRIES = 4

_cache = TtlCache(ttl_s=60.0, max_items=10_000)  # the lifetime is the setting, passed on each read


# ---------------------------------------------------------------- the gate
def settings_of(tenant_id: str, *, fresh: bool = False) -> SenseSettings:
    """The tenant's settings; a process keeps them ``sense_settings_cache_s`` (the hook runs per message)."""
    if fresh:
        _cache.forget(tenant_id)
    return _cache.get(tenant_id, lambda: store.get(tenant_id), get_settings().sense_settings_cache_s)


def forget(tenant_id: str | None = None) -> None:
    if tenant_id is None:
        _cache.clear()
    else:
        _cache.forget(tenant_id)


def sense_enabled(tenant_id: str) -> bool:
    """Whether the tenant's inbound messages are analysed: its plan (or an add-on) gives the ``sense`` product
    (services/subscriptions, cached per container) and its Sense switch is on."""
    from alrea.services import subscriptions

    return subscriptions.has(tenant_id, "sense") and settings_of(tenant_id).enabled


# ---------------------------------------------------------------- enqueue (hook listener)
def wants(fact: hooks.MessageStored) -> bool:
    return fact.direction == "in" and not fact.is_group and fact.kind == "text" and bool((fact.text or "").strip())


def on_message_stored(fact: hooks.MessageStored) -> None:
    if not wants(fact) or not sense_enabled(fact.tenant_id):
        return
    sk = (fact.message or {}).get("sk")
    if not sk:
        return
    runtime().bus.publish(QUEUE, {"tenant_id": fact.tenant_id, "conversation_id": fact.conversation_id,
                                  "sk": sk, "wamid": fact.wamid, "text": (fact.text or "")[:MAX_TEXT]},
                          group=f"{fact.tenant_id}:{fact.conversation_id}",
                          dedupe_id=f"{fact.tenant_id}:{fact.instance_id}:{fact.wamid}")


# ---------------------------------------------------------------- the queue's consumer
def analyzer_for(tenant_id: str, s: SenseSettings) -> Analyzer:
    secret = unseal(s.sealed_secret, SECRET_PURPOSE, context=tenant_id) if s.sealed_secret else None
    return build_analyzer(s.adapter, s.url, secret, s.model)


def analyze(job: dict[str, Any]) -> Analysis | None:
    """One queued message: analysed, stored, pushed. None when Sense is off (or the message is gone)."""
    from alrea.store import messages

    tid, cid = job["tenant_id"], job["conversation_id"]
    s = settings_of(tid, fresh=True)
    if not s.enabled:
        logger.info("sense off: skipped", extra={"tenant_id": tid})
        return None
    started = time.perf_counter()
    try:
        analysis = analyzer_for(tid, s).analyze(job["text"])
    except AnalyzerUnavailable as exc:
        logger.warning("analyzer unavailable: message left unlabelled, retried later",
                       extra={"tenant_id": tid, "adapter": s.adapter, "error": str(exc)})
        raise
    message = messages.set_sentiment(tid, cid, job["sk"], analysis.label, analysis.score)
    if message is None:
        return None
    before, after, conv = _move_mood(tid, cid, analysis)
    if conv is not None:
        audience.push_conversation_event(conv, {"type": "message_updated", "message": message_view(message)},
                                         {"type": "conversation_updated", "conversation": conversation_view(conv)})
    else:
        audience.push_to_conversation(tid, cid, {"type": "message_updated", "message": message_view(message)})
    hooks.message_analyzed(hooks.MessageAnalyzed(
        tenant_id=tid, conversation_id=cid, wamid=job.get("wamid") or "", label=analysis.label,
        score=analysis.score, at=message.sent_at, mood=after.label if after else None,
        turned_negative=bool(after and dom.turned_negative(before, after))))
    logger.info("message analysed", extra={"tenant_id": tid, "label": analysis.label, "adapter": s.adapter,
                                           "ms": int((time.perf_counter() - started) * 1000)})
    return analysis


def _move_mood(tid: str, cid: str, analysis: Analysis) -> tuple[Mood | None, Mood | None, Any]:
    from alrea.store import conversations

    for _ in range(_MOOD_RETRIES):
        conv = conversations.find(tid, cid)
        if conv is None:
            return None, None, None
        before = Mood(conv.mood, conv.mood_score or 0.0, conv.mood_samples) if conv.mood_samples else None
        after = dom.next_mood(before, analysis)
        moved = conversations.set_mood(tid, cid, after.label, after.score, after.samples,
                                       after_samples=conv.mood_samples)
        if moved is not None:
            return before, after, moved
    logger.warning("mood not moved: the conversation kept changing", extra={"conversation_id": cid})
    return None, None, None


# ---------------------------------------------------------------- settings (admins)
def _check_url(url: str) -> str:
    url = url.strip()
    allow_private = get_settings().webhooks_allow_private
    problem = webhook_rules.url_problem(url, allow_private)
    if problem is None and not allow_private:
        from alrea.wiring import webhook_sender

        addresses = webhook_sender().resolve(urlsplit(url).hostname or "")
        if not addresses or not all(webhook_rules.address_allowed(a) for a in addresses):
            problem = "O endereço não resolve para um IP público."
    if problem:
        raise Invalid(problem, field="url")
    return url


def _merged(caller: Principal, *, enabled: bool, adapter: str, url: str | None, model: str | None,
            secret: str | None, clear_secret: bool = False) -> SenseSettings:
    if adapter not in dom.ADAPTERS:
        raise Invalid("Adaptador deve ser builtin ou http.", field="adapter")
    current = store.get(caller.tenant_id)
    if adapter == "http":
        if not url:
            raise Invalid("Informe a URL do endpoint.", field="url")
        url = _check_url(url)
    sealed = current.sealed_secret
    # the stored secret belongs to the endpoint it was given for: another host gets it only when typed again
    if clear_secret or (current.url and url and urlsplit(current.url).netloc != urlsplit(url).netloc):
        sealed = None
    if secret:
        sealed = seal(secret, SECRET_PURPOSE, context=caller.tenant_id)
    return SenseSettings(enabled=enabled, adapter=adapter, url=url or None, model=(model or "").strip() or None,
                         sealed_secret=sealed)


def get_settings_view(caller: Principal) -> dict[str, Any]:
    return dom.settings_view(store.get(caller.tenant_id))


def save_settings(caller: Principal, **fields: Any) -> dict[str, Any]:
    saved = store.put(caller.tenant_id, _merged(caller, **fields))
    forget(caller.tenant_id)
    logger.info("sense settings saved", extra={"enabled": saved.enabled, "adapter": saved.adapter})
    return dom.settings_view(saved)


def test(caller: Principal, *, text: str | None = None, **fields: Any) -> dict[str, Any]:
    """The "testar" button: analyses ``text`` (a sample by default) with the settings as given (not saved)."""
    s = _merged(caller, **fields)
    sample = (text or SAMPLE).strip()[:MAX_TEXT] or SAMPLE
    started = time.perf_counter()
    try:
        analysis = analyzer_for(caller.tenant_id, s).analyze(sample)
    except AnalyzerUnavailable as exc:
        return {"ok": False, "text": sample, "error": f"O analisador não respondeu como esperado ({exc}).",
                "ms": int((time.perf_counter() - started) * 1000)}
    return {"ok": True, "text": sample, **dom.analysis_view(analysis),
            "ms": int((time.perf_counter() - started) * 1000)}

