"""/v1/campaigns: partners list and read campaigns and their recipients (``campaigns:read``), create them from
a message template and an audience, and start, pause, resume or cancel them (``campaigns:write``).

The services are the SPA's (/api/campaigns); the JSON is its JSON with the partner API's names: the WhatsApp
numbers are ``number_ids`` / ``number_id`` (the ids of /v1/numbers). An audience is tags, contact ids and/or
explicit phones (E.164-normalised as in the app; a phone without a contact gets one; opted-out contacts are
skipped when the campaign starts)."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import ConfigDict, Field

from alrea.api.partner import RESPONSES, IdempotencyKey, PartnerKey, as_principal, idempotent
from alrea.api.routers.campaigns import Audience, PacingIn, Variant
from alrea.api.routers.schemas import Body
from alrea.core.errors import Invalid
from alrea.domain import campaigns as dom
from alrea.services import campaigns

router = APIRouter(prefix="/v1/campaigns", tags=["campaigns"], responses=RESPONSES)
Reader = PartnerKey("campaigns:read")
Writer = PartnerKey("campaigns:write")
Cursor = Query(None, max_length=2048, description="next_cursor of the previous page")

CAMPAIGN_ID = "6f1d2c3b-8a4e-4f5a-9b6c-7d8e9f0a1b2c"
NUMBER_ID = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"
EXAMPLE = {
    "id": CAMPAIGN_ID, "name": "Black Friday", "status": "running", "failure_reason": None,
    "variants": [{"text": "{Oi|Olá} {{nome|cliente}}, a Black Friday começou!"}],
    "audience": {"tags": ["vip"], "contact_ids": []}, "number_ids": [NUMBER_ID],
    "pacing": {"min_delay_s": 20, "max_delay_s": 60, "window_start": "08:00", "window_end": "20:00",
               "weekdays": [0, 1, 2, 3, 4], "daily_cap_per_number": 500},
    "schedule_at": None, "reply_window_h": 72,
    "counters": {"total": 120, "pending": 80, "queued": 0, "sending": 0, "unknown": 0, "sent": 40,
                 "delivered": 38, "read": 20, "replied": 3, "failed": 0, "skipped": 0, "opted_out": 0},
    "eta": "2026-11-27T15:40:00.000Z", "created_at": "2026-11-27T12:00:00.000Z",
    "started_at": "2026-11-27T12:01:00.000Z", "completed_at": None, "updated_at": "2026-11-27T12:30:00.000Z",
}
RECIPIENT = {"phone": "+5511988887777", "name": "Bia Souza", "contact_id": "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
             "number_id": NUMBER_ID, "status": "read", "wamid": "3EB0C767D26A1D3A9B2F", "error": None,
             "planned_at": "2026-11-27T12:01:20.000Z", "sent_at": "2026-11-27T12:01:21.000Z",
             "delivered_at": "2026-11-27T12:01:23.000Z", "read_at": "2026-11-27T12:05:00.000Z",
             "replied_at": None, "updated_at": "2026-11-27T12:05:00.000Z"}


def answer(example: Any, description: str = "Successful Response", status: int = 200, **more: dict) -> dict:
    """The route's success answer with its example, plus other documented statuses (``more``: code → text)."""
    return {status: {"description": description, "content": {"application/json": {"example": example}}},
            **{int(code): {"description": text} for code, text in more.items()}}


IDEMPOTENCY = "A request with this Idempotency-Key is still running"
ACTION = {"409": f"The campaign's status does not allow it (or: {IDEMPOTENCY})."}


class AudienceIn(Audience):
    contact_ids: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=1000)
    phones: list[Annotated[str, Field(max_length=32)]] = Field(
        default_factory=list, max_length=campaigns.MAX_PHONES,
        description="explicit phones, E.164 or national (the account's country); a phone without a contact gets "
                    "one (counted in the plan's contacts); opted-out contacts are skipped at the start")


class CampaignIn(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "name": "Black Friday", "text": "{Oi|Olá} {{nome|cliente}}, a Black Friday começou!",
        "audience": {"phones": ["+5511988887777", "(11) 97777-6666"]}, "number_ids": [NUMBER_ID],
        "pacing": {"min_delay_s": 20, "max_delay_s": 60, "window_start": "08:00", "window_end": "20:00"}}]})

    name: str = Field(max_length=120)
    text: str | None = Field(default=None, max_length=4096, description=(
        "the message template: {{nome}}, {{campo|padrão}} and {a|b} variations; or give `variants`"))
    variants: list[Variant] | None = Field(default=None, min_length=1, max_length=10,
                                           description="up to 10 templates, one picked per recipient")
    audience: AudienceIn
    number_ids: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=20,
                                                                   description="ids from /v1/numbers")
    pacing: PacingIn = Field(default_factory=PacingIn)
    schedule_at: str | None = Field(default=None, max_length=40, description="ISO-8601; start waits until then")
    reply_window_h: int | None = Field(default=None, ge=1, le=720)


def shape(c: dom.Campaign) -> dict[str, Any]:
    view = campaigns.view(c)
    view["number_ids"] = view.pop("instance_ids")
    return view


def shape_recipient(r: dom.Recipient) -> dict[str, Any]:
    row = dom.recipient_json(r)
    row["number_id"] = row.pop("instance_id")
    return row


def _data(body: CampaignIn) -> dict[str, Any]:
    if (body.text is None) == (body.variants is None):
        raise Invalid("Envie a mensagem em `text` ou em `variants` (um dos dois).", field="text")
    audience = body.audience.model_dump()
    if not any(audience.values()):
        raise Invalid("Informe o público: etiquetas, contatos ou telefones.", field="audience")
    variants = [{"text": body.text}] if body.text is not None else [v.model_dump() for v in body.variants or []]
    pacing = {k: v for k, v in body.pacing.model_dump().items() if v is not None}
    return {"name": body.name, "variants": variants, "audience": audience, "instance_ids": body.number_ids,
            "pacing": pacing, "schedule_at": body.schedule_at, "reply_window_h": body.reply_window_h}


@router.get("", responses=answer({"items": [EXAMPLE], "next_cursor": None}))
def list_campaigns(key: Reader, limit: int = Query(50, ge=1, le=100, description="page size"),
                   cursor: str | None = Cursor) -> dict[str, Any]:
    """The account's campaigns, newest first."""
    return campaigns.list_page(as_principal(key), cursor=cursor, limit=limit).as_json(shape)


DRAFT = {**EXAMPLE, "status": "draft", "eta": None, "started_at": None,
         "audience": {"tags": [], "contact_ids": [RECIPIENT["contact_id"]]},
         "counters": {name: 0 for name in dom.COUNTERS}}


@router.post("", status_code=201, responses=answer(
    DRAFT, "The campaign, as a draft: start it with POST /v1/campaigns/{id}/start.", 201,
    **{"402": "Explicit phones would pass the plan's contacts.", "409": IDEMPOTENCY + "."}))
def create_campaign(body: CampaignIn, key: Writer, idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """Creates a draft campaign from a message template (`text`, or `variants`) and an audience."""
    def work() -> dict[str, Any]:
        try:
            return shape(campaigns.create(as_principal(key), _data(body)))
        except Invalid as exc:  # the services name the numbers as the app does
            if exc.details.get("field") == "instance_ids":
                raise Invalid(exc.message, field="number_ids") from None
            raise

    return idempotent(key, idempotency_key, "POST /v1/campaigns", body.model_dump(mode="json"), work)


@router.get("/{campaign_id}", responses=answer(EXAMPLE))
def get_campaign(campaign_id: str, key: Reader) -> dict[str, Any]:
    """One campaign with its counters (funnel counters are cumulative: a read message counts as sent and
    delivered too) and, while it runs, its estimated end."""
    return shape(campaigns.get(as_principal(key), campaign_id))


@router.post("/{campaign_id}/start", responses=answer(
    EXAMPLE, "The campaign, running (or scheduled, when it has a future `schedule_at`).",
    **{"402": "The plan's campaigns for this month are used up.", **ACTION}))
def start(campaign_id: str, key: Writer, idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """Starts a draft now, or schedules it when its `schedule_at` is ahead; 422 when nobody in the audience can
    receive it."""
    return idempotent(key, idempotency_key, f"POST /v1/campaigns/{campaign_id}/start", {},
                      lambda: shape(campaigns.start(as_principal(key), campaign_id)))


@router.post("/{campaign_id}/pause", responses=answer({**EXAMPLE, "status": "paused", "eta": None}, **ACTION))
def pause(campaign_id: str, key: Writer, idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """Pauses a running campaign: messages already handed to WhatsApp (a few, seconds) still go out."""
    return idempotent(key, idempotency_key, f"POST /v1/campaigns/{campaign_id}/pause", {},
                      lambda: shape(campaigns.pause(as_principal(key), campaign_id)))


@router.post("/{campaign_id}/resume", responses=answer(EXAMPLE, **ACTION))
def resume(campaign_id: str, key: Writer, idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """Resumes a paused campaign with the recipients still pending."""
    return idempotent(key, idempotency_key, f"POST /v1/campaigns/{campaign_id}/resume", {},
                      lambda: shape(campaigns.resume(as_principal(key), campaign_id)))


@router.post("/{campaign_id}/cancel", responses=answer(
    {**EXAMPLE, "status": "cancelled", "eta": None, "completed_at": "2026-11-27T12:31:00.000Z"}, **ACTION))
def cancel(campaign_id: str, key: Writer, idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """Cancels a draft, scheduled, running or paused campaign for good."""
    return idempotent(key, idempotency_key, f"POST /v1/campaigns/{campaign_id}/cancel", {},
                      lambda: shape(campaigns.cancel(as_principal(key), campaign_id)))


@router.get("/{campaign_id}/recipients", responses=answer({"items": [RECIPIENT], "next_cursor": None}))
def recipients(campaign_id: str, key: Reader,
               status: str | None = Query(None, max_length=20, description=(
                   "only recipients in this status: " + ", ".join(dom.RECIPIENT_STATUSES))),
               limit: int = Query(50, ge=1, le=200, description="page size"),
               cursor: str | None = Cursor) -> dict[str, Any]:
    """A page of the campaign's recipients: phone, contact, number, status and its timestamps."""
    return campaigns.recipients(as_principal(key), campaign_id, status=status, cursor=cursor,
                                limit=limit).as_json(shape_recipient)
