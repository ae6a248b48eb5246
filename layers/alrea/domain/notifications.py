"""Notifications (the ``notifications`` product): what a user is told, kept for a while, read or unread.

Pure rules: the kinds, who may receive each, the pt-BR texts, ``@nome`` mentions in internal notes, and the
time-ordered ids (UUID version 7: the id sorts like the creation time, so the store keys by id alone).
"""
from __future__ import annotations

import os
import re
import time
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from alrea.domain.texts import plural

ASSIGNED = "assigned"  # a conversation assigned or transferred to me
MENTION = "mention"  # someone wrote @me in an internal note
CAMPAIGN_COMPLETED = "campaign_completed"
CAMPAIGN_PAUSED = "campaign_paused"  # paused automatically (number dropped, too many failures)
CAMPAIGN_FAILOVER = "campaign_failover"  # a number left a campaign; its recipients moved to the other numbers
IMPORT_FINISHED = "import_finished"
NUMBER_DISCONNECTED = "number_disconnected"
WEBHOOK_DISABLED = "webhook_disabled"  # an outbound webhook endpoint failed for a day and was turned off
CONVERSATION_NEGATIVE = "conversation_negative"  # Sense: a customer's mood turned negative
NUMBER_HEALTH = "number_health"  # a number's failures spiked (reports)

KINDS: tuple[str, ...] = (ASSIGNED, MENTION, CAMPAIGN_COMPLETED, CAMPAIGN_PAUSED, CAMPAIGN_FAILOVER, IMPORT_FINISHED,
                          NUMBER_DISCONNECTED, WEBHOOK_DISABLED, CONVERSATION_NEGATIVE, NUMBER_HEALTH)
KEEP_FOR = timedelta(days=30)  # the item's TTL
MAX_TITLE = 120
MAX_BODY = 500
UNREAD_CAP = 99  # the bell shows "99+" past it


@dataclass(frozen=True)
class Notification:
    id: str
    tenant_id: str
    user_id: str
    kind: str
    title: str
    body: str
    link: str | None
    created_at: str
    read_at: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def unread(self) -> bool:
        return self.read_at is None


@dataclass(frozen=True)
class Draft:
    """A notification before it is addressed and stored. ``dedupe`` makes a repeated producer (a retried
    queue message) store it once per user."""

    kind: str
    title: str
    body: str
    link: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    dedupe: str | None = None


@dataclass(frozen=True)
class Preferences:
    """Kinds a user turned off: those are neither stored nor pushed for them."""

    muted: frozenset[str] = frozenset()

    def wants(self, kind: str) -> bool:
        return kind not in self.muted


def clean_muted(kinds: Iterable[str]) -> frozenset[str]:
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown notification kinds: {unknown}")
    return frozenset(kinds)


def time_ordered_id(now_ms: int | None = None) -> str:
    """A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | ((rand >> 68) & 0xFFF) << 64 | 0b10 << 62 \
        | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def clip(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------- entitlement
def campaign_audience(role: str) -> bool:
    """Campaigns are the admins' and managers' business (their pages, their pushes)."""
    return role in ("admin", "manager")


def mood_audience(role: str, department_id: str | None, conversation_department_id: str | None) -> bool:
    """A conversation turning negative is for its department's managers (no department: the admins)."""
    if conversation_department_id:
        return role == "manager" and department_id == conversation_department_id
    return role == "admin"


def number_audience(role: str) -> bool:
    """A number's connection is the admins' (they alone can connect it again)."""
    return role == "admin"


# ---------------------------------------------------------------- mentions
def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


_MENTION = re.compile(r"(?<![\w@])@([^\s@,.;:!?()]+(?:[ \t]+[^\s@,.;:!?()]+){0,3})")


def mentioned(text: str, people: Iterable[tuple[str, str]]) -> set[str]:
    """User ids mentioned in ``text`` as ``@Nome`` or ``@Nome Sobrenome`` (accents and case ignored).

    ``people`` is ``(user_id, name)``. A full name wins; a first name counts only when exactly one person has
    it (``@Ana`` with two Anas notifies nobody rather than the wrong one)."""
    people = [(uid, _fold(name).split()) for uid, name in people if name and name.strip()]
    found: set[str] = set()
    for match in _MENTION.finditer(text or ""):
        words = _fold(match.group(1)).split()
        best: list[str] = []
        for size in range(len(words), 0, -1):
            head = words[:size]
            full = [uid for uid, name in people if name == head]
            if full:
                best = full
                break
            if size == 1:
                first = [uid for uid, name in people if name and name[0] == head[0]]
                best = first if len(first) == 1 else []
        found.update(best)
    return found


# ---------------------------------------------------------------- texts (pt-BR)
def assigned(conversation_id: str, who: str, by: str | None) -> Draft:
    body = f"{by} passou a conversa com {who} para você." if by else f"A conversa com {who} foi atribuída a você."
    return Draft(ASSIGNED, "Nova conversa para você", body, link=f"/inbox/{conversation_id}",
                 data={"conversation_id": conversation_id})


def mention(conversation_id: str, note_id: str, author: str, text: str) -> Draft:
    return Draft(MENTION, f"{author or 'Alguém'} mencionou você em uma nota", clip(text, 200),
                 link=f"/inbox/{conversation_id}", data={"conversation_id": conversation_id, "note_id": note_id},
                 dedupe=f"note:{note_id}")


def campaign_completed(campaign_id: str, name: str) -> Draft:
    return Draft(CAMPAIGN_COMPLETED, "Campanha concluída", f"A campanha “{name}” terminou os envios.",
                 link=f"/campaigns/{campaign_id}", data={"campaign_id": campaign_id},
                 dedupe=f"campaign-completed:{campaign_id}")


def campaign_paused(campaign_id: str, name: str, reason: str, message: str, run: str | None) -> Draft:
    return Draft(CAMPAIGN_PAUSED, f"Campanha “{clip(name, 60)}” pausada", message, link=f"/campaigns/{campaign_id}",
                 data={"campaign_id": campaign_id, "reason": reason},
                 dedupe=f"campaign-paused:{campaign_id}:{run or ''}:{reason}")


def campaign_failover(campaign_id: str, name: str, instance_id: str, reason: str, message: str) -> Draft:
    return Draft(CAMPAIGN_FAILOVER, f"Campanha “{clip(name, 60)}”: número substituído", message,
                 link=f"/campaigns/{campaign_id}", data={"campaign_id": campaign_id, "instance_id": instance_id,
                                                         "reason": reason},
                 dedupe=f"campaign-failover:{campaign_id}:{instance_id}:{reason}")


def import_finished(import_id: str, status: str, file_name: str | None, imported: int, updated: int,
                    failed: int) -> Draft:
    name = f"“{file_name}”" if file_name else "de contatos"
    if status == "failed":
        title, body = "Importação falhou", f"A importação {name} não pôde ser concluída."
    else:
        title = "Importação concluída"
        body = (f"{plural(imported, 'contato novo', 'contatos novos')}, "
                f"{plural(updated, 'atualizado', 'atualizados')}, {plural(failed, 'linha com erro', 'linhas com erro')}.")
    return Draft(IMPORT_FINISHED, title, body, link="/contacts", data={"import_id": import_id, "status": status},
                 dedupe=f"import:{import_id}")


def webhook_disabled(webhook_id: str, url: str, at: str) -> Draft:
    return Draft(WEBHOOK_DISABLED, "Webhook desativado",
                 f"O endpoint {url} falhou por 24 horas seguidas e foi desativado. Corrija-o e reative em "
                 "Configurações → Webhooks.", link="/settings/webhooks", data={"webhook_id": webhook_id},
                 dedupe=f"webhook-disabled:{webhook_id}:{at}")


def conversation_negative(conversation_id: str, who: str, wamid: str) -> Draft:
    return Draft(CONVERSATION_NEGATIVE, "Cliente insatisfeito",
                 f"A conversa com {who} ficou negativa. Vale dar uma olhada.", link=f"/inbox/{conversation_id}",
                 data={"conversation_id": conversation_id}, dedupe=f"negative:{conversation_id}:{wamid}")


def number_health(instance_id: str, name: str, day: str) -> Draft:
    return Draft(NUMBER_HEALTH, f"Número {clip(name, 40)} com muitas falhas",
                 "Mais de 10% dos envios de hoje falharam. Reduza o ritmo e verifique a lista para evitar bloqueio.",
                 link=f"/reports/numbers/{instance_id}", data={"instance_id": instance_id},
                 dedupe=f"number-health:{instance_id}:{day}")


def number_disconnected(instance_id: str, name: str, at: str) -> Draft:
    return Draft(NUMBER_DISCONNECTED, "Número desconectado",
                 f"O número {name} foi desconectado do WhatsApp e precisa ser conectado de novo.",
                 link="/settings/numbers", data={"instance_id": instance_id}, dedupe=f"disconnected:{instance_id}:{at}")
