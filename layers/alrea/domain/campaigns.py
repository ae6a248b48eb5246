"""Campaigns, pure: statuses and transitions, message rendering, pacing rules and the window planner.

Nothing here reads a clock or a random source on its own: callers pass ``now`` (aware datetime) and ``rng``
(random.Random), so the planner is tested with a fake clock.
"""
from __future__ import annotations

import math
import random
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alrea.core.errors import Conflict, Invalid

# ---------------------------------------------------------------- statuses
DRAFT, SCHEDULED, RUNNING, PAUSED, COMPLETED, CANCELLED, FAILED = (
    "draft", "scheduled", "running", "paused", "completed", "cancelled", "failed")
STATUSES = (DRAFT, SCHEDULED, RUNNING, PAUSED, COMPLETED, CANCELLED, FAILED)
TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({SCHEDULED, RUNNING, CANCELLED}),
    SCHEDULED: frozenset({DRAFT, RUNNING, CANCELLED}),
    RUNNING: frozenset({PAUSED, COMPLETED, CANCELLED, FAILED}),
    PAUSED: frozenset({RUNNING, CANCELLED, FAILED}),
    COMPLETED: frozenset(),
    CANCELLED: frozenset(),
    FAILED: frozenset(),
}
EDITABLE = frozenset({DRAFT, SCHEDULED})
STATUS_LABELS = {DRAFT: "rascunho", SCHEDULED: "agendada", RUNNING: "em andamento", PAUSED: "pausada",
                 COMPLETED: "concluída", CANCELLED: "cancelada", FAILED: "falhou"}


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise Conflict(f"Não é possível passar a campanha de {STATUS_LABELS.get(current, current)} para "
                       f"{STATUS_LABELS.get(target, target)}.", current=current, target=target)


# recipients: the forward ranks; queued -> pending is the one way back (a pause), done by its own path
R_PENDING, R_QUEUED, R_SENDING, R_UNKNOWN, R_SENT, R_DELIVERED, R_READ, R_REPLIED = (
    "pending", "queued", "sending", "unknown", "sent", "delivered", "read", "replied")
R_FAILED, R_SKIPPED, R_OPTED_OUT = "failed", "skipped", "opted_out"
RECIPIENT_STATUSES = (R_PENDING, R_QUEUED, R_SENDING, R_UNKNOWN, R_SENT, R_DELIVERED, R_READ, R_REPLIED,
                      R_FAILED, R_SKIPPED, R_OPTED_OUT)
RANK = {R_PENDING: 0, R_QUEUED: 1, R_SENDING: 2, R_UNKNOWN: 3, R_SENT: 4, R_DELIVERED: 5, R_READ: 6,
        R_REPLIED: 7, R_FAILED: 8, R_SKIPPED: 8, R_OPTED_OUT: 8}
IN_FLIGHT = (R_PENDING, R_QUEUED, R_SENDING)
# a campaign completes only once these are settled too: an unknown outcome is reconciled first
UNSETTLED = (*IN_FLIGHT, R_UNKNOWN)
UNCERTAIN = "Resultado incerto: não foi possível confirmar se a mensagem saiu."
REACHED = (R_SENT, R_DELIVERED, R_READ, R_REPLIED)  # the message went out
COUNTERS = ("total", "pending", "queued", "sending", "unknown", "sent", "delivered", "read", "replied", "failed",
            "skipped", "opted_out")
# funnel counters are cumulative (a read message counts as sent, delivered and read); the others are current
FUNNEL = (R_SENT, R_DELIVERED, R_READ, R_REPLIED)
CURRENT = (R_PENDING, R_QUEUED, R_SENDING, R_UNKNOWN)


def counter_deltas(old: str, new: str) -> dict[str, int]:
    """What the campaign counters move by when a recipient goes from ``old`` to ``new``."""
    deltas: dict[str, int] = {}
    if old in CURRENT or old in (R_FAILED, R_SKIPPED, R_OPTED_OUT):  # a failed one may be sent again
        deltas[old] = -1
    if new in CURRENT or new in (R_FAILED, R_SKIPPED, R_OPTED_OUT):
        deltas[new] = deltas.get(new, 0) + 1
    if new in FUNNEL:
        reached_before = FUNNEL.index(old) if old in FUNNEL else -1
        for step in FUNNEL[reached_before + 1: FUNNEL.index(new) + 1]:
            if step == R_REPLIED and new != R_REPLIED:
                continue
            deltas[step] = deltas.get(step, 0) + 1
    return {k: v for k, v in deltas.items() if v}


# ---------------------------------------------------------------- rendering
_VAR = re.compile(r"\{\{\s*([\wÀ-ÿ.]+)\s*(?:\|([^{}]*))?\}\}")
_SPIN = re.compile(r"\{([^{}]*)\}")
_PROTECT = re.compile(r"\{\{[^{}]*\}\}")


def contact_variables(contact: dict[str, Any]) -> dict[str, str]:
    """The variables a message can use for one contact (pt-BR names and English aliases)."""
    name = str(contact.get("name") or "").strip()
    values: dict[str, str] = {}
    for key, value in (contact.get("fields") or {}).items():
        if value not in (None, ""):
            values[_norm_var(str(key))] = str(value)
    first = name.split()[0] if name else ""
    phone = str(contact.get("phone") or contact.get("id") or "")
    values.update({k: v for k, v in {
        "nome": first, "primeiro_nome": first, "first_name": first, "nome_completo": name, "name": name,
        "telefone": phone, "phone": phone, "email": str(contact.get("email") or ""),
    }.items() if v})
    return values


def _norm_var(name: str) -> str:
    return unicodedata.normalize("NFKD", name.strip().lower()).encode("ascii", "ignore").decode().replace(" ", "_")


def spin(text: str, rng: random.Random) -> str:
    """Spintax ``{a|b|c}`` (nestable); ``{{variables}}`` are left alone."""
    protected: list[str] = []

    def keep(m: re.Match[str]) -> str:
        protected.append(m.group(0))
        return f"\x00{len(protected) - 1}\x00"

    out = _PROTECT.sub(keep, text)
    for _ in range(20):  # innermost groups first
        new = _SPIN.sub(lambda m: rng.choice(m.group(1).split("|")), out)
        if new == out:
            break
        out = new
    return re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], out)


def variables_in(text: str) -> list[tuple[str, str | None]]:
    return [(_norm_var(m.group(1)), m.group(2)) for m in _VAR.finditer(text)]


def render(text: str, contact: dict[str, Any], rng: random.Random | None = None) -> tuple[str, list[str]]:
    """(rendered text, variables that had neither a value nor a fallback)."""
    values = contact_variables(contact)
    missing: list[str] = []

    def sub(m: re.Match[str]) -> str:
        name, fallback = _norm_var(m.group(1)), m.group(2)
        if values.get(name):
            return values[name]
        if fallback is not None and fallback.strip():
            return fallback.strip()
        if name not in missing:
            missing.append(name)
        return ""

    spun = spin(text, rng or random.Random(0))
    rendered = re.sub(r"[ \t]{2,}", " ", _VAR.sub(sub, spun)).strip()
    return rendered, missing


def check_template(text: str) -> None:
    if text.count("{") != text.count("}"):
        raise Invalid("A mensagem tem chaves { } sem par.")


def mediatype_of(mimetype: str) -> str:
    major = (mimetype or "").split("/")[0]
    return major if major in ("image", "video", "audio") else "document"


# ---------------------------------------------------------------- opt-out
DEFAULT_OPT_OUT_KEYWORDS = ("SAIR", "PARAR", "STOP", "CANCELAR")
DEFAULT_OPT_OUT_CONFIRMATION = ("Pronto! Você não receberá mais nossas mensagens. "
                                "Se mudar de ideia, é só nos chamar.")


def normalise_keyword(text: str | None) -> str:
    if not text:
        return ""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9 ]", "", plain).strip().upper()


def is_opt_out(text: str | None, keywords: Iterable[str] = DEFAULT_OPT_OUT_KEYWORDS) -> bool:
    return normalise_keyword(text) in {normalise_keyword(k) for k in keywords}


# ---------------------------------------------------------------- pacing
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
AUTO_PAUSE_WINDOW = 10  # the last N send outcomes of a number
AUTO_PAUSE_FAILURES = 5  # failures among them that pause the campaign


@dataclass(frozen=True)
class Pacing:
    min_delay_s: float = 20.0
    max_delay_s: float = 60.0
    window_start: str = "08:00"
    window_end: str = "20:00"
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5)
    daily_cap_per_number: int = 500
    warmup: bool = True  # numbers connected in the last ``warmup_days`` days ramp up
    warmup_first_day: int = 20  # sends on a number's first day; doubling each day up to the cap
    warmup_days: int = 14

    @classmethod
    def parse(cls, raw: dict[str, Any] | None) -> Pacing:
        raw = dict(raw or {})
        try:
            pacing = cls(min_delay_s=float(raw.get("min_delay_s", cls.min_delay_s)),
                         max_delay_s=float(raw.get("max_delay_s", cls.max_delay_s)),
                         window_start=str(raw.get("window_start", cls.window_start)),
                         window_end=str(raw.get("window_end", cls.window_end)),
                         weekdays=tuple(sorted({int(d) for d in raw.get("weekdays", cls.weekdays)})),
                         daily_cap_per_number=int(raw.get("daily_cap_per_number", cls.daily_cap_per_number)),
                         warmup=bool(raw.get("warmup", cls.warmup)),
                         warmup_first_day=int(raw.get("warmup_first_day", cls.warmup_first_day)),
                         warmup_days=int(raw.get("warmup_days", cls.warmup_days)))
        except (TypeError, ValueError):
            raise Invalid("Ritmo de envio inválido.") from None
        pacing.validate()
        return pacing

    def validate(self) -> None:
        if not 0 <= self.min_delay_s <= self.max_delay_s <= 3600:
            raise Invalid("O intervalo entre envios deve ter mínimo ≤ máximo, entre 0 e 3600 segundos.")
        for value in (self.window_start, self.window_end):
            if not _HHMM.match(value):
                raise Invalid("Horário da janela deve estar no formato HH:MM.")
        if self.start_time >= self.end_time and self.window_end != "00:00":
            raise Invalid("O início da janela deve ser antes do fim.")
        if not self.weekdays or any(d < 0 or d > 6 for d in self.weekdays):
            raise Invalid("Escolha ao menos um dia da semana (0=segunda … 6=domingo).")
        if not 1 <= self.daily_cap_per_number <= 100_000:
            raise Invalid("O limite diário por número deve estar entre 1 e 100000.")
        if not 1 <= self.warmup_first_day <= 100_000 or not 1 <= self.warmup_days <= 60:
            raise Invalid("Aquecimento inválido: envios no primeiro dia entre 1 e 100000, por até 60 dias.")

    @property
    def start_time(self) -> time:
        h, m = self.window_start.split(":")
        return time(int(h), int(m))

    @property
    def end_time(self) -> time:
        h, m = self.window_end.split(":")
        return time(int(h), int(m))

    def as_dict(self) -> dict[str, Any]:
        return {"min_delay_s": self.min_delay_s, "max_delay_s": self.max_delay_s,
                "window_start": self.window_start, "window_end": self.window_end,
                "weekdays": list(self.weekdays), "daily_cap_per_number": self.daily_cap_per_number,
                "warmup": self.warmup, "warmup_first_day": self.warmup_first_day, "warmup_days": self.warmup_days}

    def cap_on(self, day: str, warm_since: str | None) -> int:
        """The number's daily cap on local ``day`` (ISO date): the campaign's cap, or less while the number is
        warming up — ``warmup_first_day`` on the day it was connected (``warm_since``, a local ISO date),
        doubling each day, for ``warmup_days`` days."""
        if not self.warmup or not warm_since:
            return self.daily_cap_per_number
        age = (date.fromisoformat(day) - date.fromisoformat(warm_since)).days
        if age >= self.warmup_days:
            return self.daily_cap_per_number
        return min(self.daily_cap_per_number, self.warmup_first_day * 2 ** max(0, age))


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "America/Sao_Paulo")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("America/Sao_Paulo")


def _bounds(day: date, pacing: Pacing, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, pacing.start_time, tz)
    end = (datetime.combine(day + timedelta(days=1), time(0), tz) if pacing.window_end == "00:00"
           else datetime.combine(day, pacing.end_time, tz))
    return start.astimezone(UTC), end.astimezone(UTC)


def next_open(at: datetime, pacing: Pacing, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The earliest moment ≥ ``at`` inside a sending window, and that window's end (both UTC)."""
    local_day = at.astimezone(tz).date()
    for offset in range(0, 15):
        day = local_day + timedelta(days=offset)
        if day.weekday() not in pacing.weekdays:
            continue
        start, end = _bounds(day, pacing, tz)
        if at < end:
            return max(at, start), end
    raise Invalid("A janela de envio nunca abre.")  # pragma: no cover - validate() prevents it


def local_day(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).date().isoformat()


@dataclass
class NumberState:
    """Per number (instance) of one campaign: the last planned slot, today's count, recent outcomes."""

    instance_id: str
    last_slot: float | None = None  # epoch seconds
    day: str | None = None  # local date of day_count
    day_count: int = 0
    recent: list[int] = field(default_factory=list)  # 1 = failure, 0 = success; newest last
    after: str | None = None  # the last recipient planned in run ``after_run`` (its pending ones sort after it)
    after_run: str | None = None
    halted: str | None = None  # why this number left the campaign (disconnected, failures): no more sends
    warm_since: str | None = None  # the local day the number was connected, while it warms up (not stored)


@dataclass(frozen=True)
class Slot:
    key: str  # the recipient (E.164)
    instance_id: str
    at: float  # epoch seconds


@dataclass(frozen=True)
class WindowPlan:
    slots: list[Slot]
    numbers: dict[str, NumberState]
    next_at: float | None  # when the next plan is useful (None: nothing left unplanned)


def _slot_for(state: NumberState, pacing: Pacing, tz: ZoneInfo, now: datetime, rng: random.Random
              ) -> tuple[datetime, str]:
    """Where this number's next send may go, and its local day (honouring delay, window, weekday, cap)."""
    if state.last_slot is None:
        candidate = now
    else:
        delay = rng.uniform(pacing.min_delay_s, pacing.max_delay_s)
        candidate = max(now, datetime.fromtimestamp(state.last_slot, UTC) + timedelta(seconds=delay))
    for _ in range(30):
        opened, _end = next_open(candidate, pacing, tz)
        day = local_day(opened, tz)
        count = state.day_count if state.day == day else 0
        if count < pacing.cap_on(day, state.warm_since):
            return opened, day
        # today's cap is used: the next local day
        next_day = opened.astimezone(tz).date() + timedelta(days=1)
        candidate = datetime.combine(next_day, time(0), tz).astimezone(UTC)
    raise Invalid("Não há janela disponível.")  # pragma: no cover


def plan_window(pending: dict[str, list[str]], numbers: dict[str, NumberState], pacing: Pacing, tz: ZoneInfo,
                now: datetime, rng: random.Random, *, max_sends: int = 100, horizon_s: float = 900.0,
                lead_s: float = 30.0) -> WindowPlan:
    """Give send slots to pending recipients, per number, within ``horizon_s`` from now and ``max_sends``.

    ``pending`` maps each number to its pending recipients in order. Numbers are served round-robin so
    the limit of sends per window is shared. ``next_at`` is when the next plan should run: shortly before
    the first unplanned send becomes plannable (its number's next slot minus ``lead_s``, but not before
    the slots just planned are used), so a campaign paced at minutes is planned every ~15 minutes and one
    with no delay is planned again at once.
    """
    states = {iid: replace(numbers.get(iid) or NumberState(iid), recent=list((numbers.get(iid) or
                                                                              NumberState(iid)).recent))
              for iid in pending}
    queues = {iid: list(keys) for iid, keys in pending.items() if keys}
    horizon = now + timedelta(seconds=horizon_s)
    slots: list[Slot] = []
    blocked: dict[str, datetime] = {}
    while queues and len(slots) < max_sends:
        progressed = False
        for iid in list(queues):
            if len(slots) >= max_sends:
                break
            state = states[iid]
            at, day = _slot_for(state, pacing, tz, now, rng)
            if at > horizon:
                blocked[iid] = at
                del queues[iid]
                continue
            key = queues[iid].pop(0)
            if not queues[iid]:
                del queues[iid]
            if state.day != day:
                state.day, state.day_count = day, 0
            state.day_count += 1
            state.last_slot = at.timestamp()
            slots.append(Slot(key=key, instance_id=iid, at=at.timestamp()))
            progressed = True
        if not progressed:
            break
    upcoming: list[float] = []
    for iid in set(queues) | set(blocked):
        if iid in blocked:  # this number's window is full (or closed): plan again shortly before it is due
            due = blocked[iid].timestamp()
        else:  # stopped by max_sends: plan again as its planned sends run out
            due = states[iid].last_slot if states[iid].last_slot is not None else now.timestamp()
        upcoming.append(max(now.timestamp(), due - lead_s))
    next_at = min(upcoming) if upcoming else None
    return WindowPlan(slots=slots, numbers=states, next_at=next_at)


def wait_seconds(next_at: float | None, now: datetime, *, default: int = 1) -> int:
    if next_at is None:
        return default
    return max(0, math.ceil(next_at - now.timestamp()))


def record_outcome(state: NumberState, failed: bool) -> NumberState:
    state.recent = (state.recent + [1 if failed else 0])[-AUTO_PAUSE_WINDOW:]
    return state


def should_auto_pause(recent: list[int]) -> bool:
    return sum(recent[-AUTO_PAUSE_WINDOW:]) >= AUTO_PAUSE_FAILURES


def estimate_eta(remaining: int, numbers: int, pacing: Pacing, tz: ZoneInfo, now: datetime) -> datetime | None:
    """A rough finish time: the average delay per number, only inside windows, within daily caps."""
    if remaining <= 0:
        return None
    numbers = max(1, numbers)
    avg = max((pacing.min_delay_s + pacing.max_delay_s) / 2, 0.2)
    at = now
    left = remaining
    for _ in range(400):
        opened, end = next_open(at, pacing, tz)
        per_number = min(pacing.daily_cap_per_number, int((end - opened).total_seconds() / avg) + 1)
        capacity = per_number * numbers
        if left <= capacity:
            return opened + timedelta(seconds=math.ceil(left / numbers) * avg)
        left -= capacity
        at = end + timedelta(seconds=1)
    return None


# ---------------------------------------------------------------- aggregates (what the store answers)
@dataclass(frozen=True)
class Campaign:
    """A campaign as the store answers it (same names as its item's attributes; counters as a dict)."""

    id: str
    tenant_id: str
    name: str
    status: str = DRAFT
    created_at: str = ""
    failure_reason: str | None = None
    variants: list[dict[str, Any]] = field(default_factory=list)
    audience: dict[str, Any] = field(default_factory=dict)
    instance_ids: list[str] = field(default_factory=list)
    pacing: dict[str, Any] = field(default_factory=dict)
    schedule_at: str | None = None
    reply_window_h: int = 72
    run_id: str | None = None
    plan_round: int = 0
    timezone: str | None = None
    counted_month: str | None = None
    created_by: str | None = None
    updated_at: str | None = None
    started_at: str | None = None
    completed_at: str | None = None
    paused_at: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def counters(self) -> dict[str, int]:
        return {name: max(0, int(self.counts.get(name) or 0)) for name in COUNTERS}


@dataclass(frozen=True)
class Recipient:
    """One contact of a campaign: its snapshot for rendering, its number, its status and its timestamps."""

    tenant_id: str
    campaign_id: str
    phone: str
    instance_id: str
    contact: dict[str, Any] = field(default_factory=dict)
    sticky_known: bool = False
    status: str = R_PENDING
    slot: float | None = None
    variant: int | None = None
    wamid: str | None = None
    error: str | None = None
    attempted_at: str | None = None
    sent_at: str | None = None
    delivered_at: str | None = None
    read_at: str | None = None
    replied_at: str | None = None
    updated_at: str | None = None
    requeued: int = 0  # times an outcome found certainly not sent was queued again (at most once)
    queue_key: str | None = None  # where it sorts in its number's pending queue (the phone, or later: a move)


@dataclass(frozen=True)
class SendOrder:
    """What the planner hands the sender in one message: everything a send needs, so the sender reads nothing
    but its number. ``run_id`` binds it to the run that planned it (a pause or resume makes it stale)."""

    tenant_id: str
    campaign_id: str
    run_id: str
    phone: str
    instance_id: str
    slot: float
    variant: int
    text: str
    media: dict[str, Any] | None = None
    attempt: int = 1  # a send Evolution certainly did not take is published again, delayed, attempt + 1

    def as_message(self) -> dict[str, Any]:
        return {"tenant_id": self.tenant_id, "campaign_id": self.campaign_id, "run_id": self.run_id,
                "phone": self.phone, "instance_id": self.instance_id, "slot": self.slot, "variant": self.variant,
                "text": self.text, "media": self.media, "attempt": self.attempt}

    def claimed(self, at: str) -> Recipient:
        """The recipient a successful claim of this order left (what the sender knows without reading it)."""
        return Recipient(tenant_id=self.tenant_id, campaign_id=self.campaign_id, phone=self.phone,
                         instance_id=self.instance_id, status=R_SENDING, slot=self.slot, variant=self.variant,
                         attempted_at=at)

    @classmethod
    def from_message(cls, body: dict[str, Any]) -> SendOrder:
        return cls(tenant_id=str(body["tenant_id"]), campaign_id=str(body["campaign_id"]),
                   run_id=str(body["run_id"]), phone=str(body["phone"]), instance_id=str(body["instance_id"]),
                   slot=float(body.get("slot") or 0), variant=int(body.get("variant") or 0),
                   text=str(body.get("text") or ""), media=body.get("media") or None,
                   attempt=int(body.get("attempt") or 1))


def iso_of_epoch(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(float(epoch), UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def recipient_json(r: Recipient) -> dict[str, Any]:
    """A recipient as the API and the exports show it."""
    return {"phone": r.phone, "name": (r.contact or {}).get("name"), "contact_id": (r.contact or {}).get("id"),
            "instance_id": r.instance_id, "status": r.status, "wamid": r.wamid, "error": r.error,
            "planned_at": iso_of_epoch(r.slot), "sent_at": r.sent_at, "delivered_at": r.delivered_at,
            "read_at": r.read_at, "replied_at": r.replied_at, "updated_at": r.updated_at,
            "uncertain": r.status == R_FAILED and r.error == UNCERTAIN}


def campaign_json(c: Campaign, eta: str | None) -> dict[str, Any]:
    """A campaign as the API and the exports show it (``eta`` computed by the caller: it needs a clock)."""
    return {
        "id": c.id, "name": c.name, "status": c.status, "failure_reason": c.failure_reason,
        "variants": list(c.variants or []), "audience": dict(c.audience or {}),
        "instance_ids": list(c.instance_ids or []), "pacing": dict(c.pacing or {}),
        "schedule_at": c.schedule_at, "reply_window_h": int(c.reply_window_h or 0), "counters": c.counters(),
        "eta": eta, "created_at": c.created_at, "started_at": c.started_at,
        "completed_at": c.completed_at, "updated_at": c.updated_at,
    }


def recount(statuses: Iterable[str]) -> dict[str, int]:
    """The counters that recipients in ``statuses`` add up to (funnel counters are cumulative)."""
    counts = {name: 0 for name in COUNTERS}
    for status in statuses:
        counts["total"] += 1
        for name, delta in counter_deltas(R_PENDING, status).items():
            counts[name] += delta
        counts[R_PENDING] += 1
    return counts
