"""/api/campaigns (admins and managers): drafts, start/pause/resume/cancel, progress, recipients, export,
preview, the live chart's timeline and the audience count. The services answer domain types; the JSON is
shaped here (campaigns.view: the campaign with its ETA; dom.recipient_json), lists as {items, next_cursor}."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from alrea.api import downloads
from alrea.api.deps import AdminUser, ManagerOrAdmin
from alrea.api.routers.schemas import Body
from alrea.domain import campaigns as dom
from alrea.services import campaign_media, campaign_reconcile, campaigns

router = APIRouter(prefix="/api/campaigns", tags=["campaigns"])


class Media(Body):
    key: str = Field(min_length=1, max_length=512)
    mimetype: str = Field(default="application/octet-stream", max_length=120)
    file_name: str | None = Field(default=None, max_length=200)


class Variant(Body):
    text: str = Field(default="", max_length=4096)
    media: Media | None = None


class Audience(Body):
    tags: list[Annotated[str, Field(max_length=80)]] = Field(default_factory=list, max_length=50)
    contact_ids: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=50_000)


class PacingIn(Body):
    min_delay_s: float | None = Field(default=None, ge=0, le=3600)
    max_delay_s: float | None = Field(default=None, ge=0, le=3600)
    window_start: str | None = Field(default=None, max_length=5)
    window_end: str | None = Field(default=None, max_length=5)
    weekdays: list[int] | None = Field(default=None, max_length=7)
    daily_cap_per_number: int | None = Field(default=None, ge=1, le=100_000)
    warmup: bool | None = None
    warmup_first_day: int | None = Field(default=None, ge=1, le=100_000)
    warmup_days: int | None = Field(default=None, ge=1, le=60)


class CampaignIn(Body):
    name: str = Field(max_length=120)
    variants: list[Variant] = Field(min_length=1, max_length=10)
    audience: Audience = Field(default_factory=Audience)
    instance_ids: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=20)
    pacing: PacingIn = Field(default_factory=PacingIn)
    schedule_at: str | None = Field(default=None, max_length=40)
    reply_window_h: int | None = Field(default=None, ge=1, le=720)


class CampaignPatch(Body):
    name: str | None = Field(default=None, max_length=120)
    variants: list[Variant] | None = Field(default=None, min_length=1, max_length=10)
    audience: Audience | None = None
    instance_ids: list[Annotated[str, Field(max_length=64)]] | None = Field(default=None, min_length=1,
                                                                              max_length=20)
    pacing: PacingIn | None = None
    schedule_at: str | None = Field(default=None, max_length=40)
    reply_window_h: int | None = Field(default=None, ge=1, le=720)


class ContactIn(Body):
    id: str | None = None
    phone: str | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    fields: dict[str, Any] | None = None
    tags: list[str] | None = None


class PreviewIn(Body):
    variants: list[Variant] | None = Field(default=None, max_length=10)
    text: str | None = Field(default=None, max_length=4096)
    contact_id: str | None = Field(default=None, max_length=64)
    contact: ContactIn | None = None


class CampaignsOut(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None = None


def _data(body: BaseModel, *, partial: bool) -> dict[str, Any]:
    data = body.model_dump(exclude_unset=partial)
    if "pacing" in data and data["pacing"] is not None:
        data["pacing"] = {k: v for k, v in data["pacing"].items() if v is not None}
    return data


def _split(values: list[str]) -> list[str]:
    return [v.strip() for raw in values for v in raw.split(",") if v.strip()]


@router.post("", status_code=201)
def create_campaign(body: CampaignIn, caller: ManagerOrAdmin) -> dict:
    return campaigns.view(campaigns.create(caller, _data(body, partial=False)))


@router.get("", response_model=CampaignsOut)
def list_campaigns(caller: ManagerOrAdmin, cursor: str | None = Query(default=None, max_length=2048),
                   limit: int = Query(default=100, ge=1, le=100)) -> dict:
    return campaigns.list_page(caller, cursor=cursor, limit=limit).as_json(campaigns.view)


@router.get("/audience-count")
def audience_count(caller: ManagerOrAdmin, tags: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006
                   contact_ids: Annotated[list[str], Query(max_length=5000)] = []) -> dict:  # noqa: B006
    return {"count": campaigns.audience_count(caller, _split(tags), _split(contact_ids))}


@router.post("/preview")
def preview(body: PreviewIn, caller: ManagerOrAdmin) -> dict:
    return campaigns.preview(caller, variants=[v.model_dump() for v in body.variants] if body.variants else None,
                             text=body.text, contact_id=body.contact_id,
                             contact=body.contact.model_dump() if body.contact else None)


class MediaUploadIn(Body):
    file_name: str = Field(min_length=1, max_length=200)
    mimetype: str = Field(min_length=3, max_length=120)
    size: int = Field(ge=1, le=200 * 1024 * 1024)


@router.post("/media", status_code=201)
def media_upload(body: MediaUploadIn, caller: ManagerOrAdmin) -> dict:
    """A presigned PUT for a variant's image, video, audio or document (and a GET for its preview)."""
    return campaign_media.create_upload(caller, file_name=body.file_name, mimetype=body.mimetype, size=body.size)


@router.get("/media-url")
def media_url(caller: ManagerOrAdmin, key: str = Query(max_length=512)) -> dict:
    return campaign_media.preview_url(caller, key)


@router.get("/warmup")
def warmup(caller: ManagerOrAdmin, instance_ids: Annotated[list[str], Query(max_length=20)] = [],  # noqa: B006
           daily_cap_per_number: int | None = Query(default=None, ge=1, le=100_000)) -> dict:
    """Each number's warm-up today: how many sends it may make under the campaign's daily cap."""
    pacing = {"daily_cap_per_number": daily_cap_per_number} if daily_cap_per_number else None
    return {"items": campaign_media.warmup(caller, _split(instance_ids), pacing)}


class OptOutSettingsIn(BaseModel):
    keywords: Annotated[list[Annotated[str, StringConstraints(max_length=60)]], Field(max_length=50)]
    confirmation: Annotated[str, StringConstraints(max_length=5000)]


@router.get("/settings/opt-out")
def get_opt_out_settings(caller: ManagerOrAdmin) -> dict:
    return campaigns.opt_out_settings(caller)


@router.put("/settings/opt-out")
def put_opt_out_settings(body: OptOutSettingsIn, caller: AdminUser) -> dict:
    return campaigns.save_opt_out_settings(caller, body.keywords, body.confirmation)


@router.get("/{campaign_id}")
def get_campaign(campaign_id: str, caller: ManagerOrAdmin) -> dict:
    return campaigns.view(campaigns.get(caller, campaign_id))


@router.patch("/{campaign_id}")
def update_campaign(campaign_id: str, body: CampaignPatch, caller: ManagerOrAdmin) -> dict:
    return campaigns.view(campaigns.update(caller, campaign_id, _data(body, partial=True)))


@router.delete("/{campaign_id}", status_code=204)
def delete_campaign(campaign_id: str, caller: ManagerOrAdmin) -> Response:
    campaigns.delete(caller, campaign_id)
    return Response(status_code=204)


@router.post("/{campaign_id}/duplicate", status_code=201)
def duplicate(campaign_id: str, caller: ManagerOrAdmin) -> dict:
    """'Duplicar campanha': a new draft with the same message, variants, audience, numbers and pacing."""
    from alrea.services import campaign_copies

    return campaigns.view(campaign_copies.duplicate(caller, campaign_id))


@router.post("/{campaign_id}/start")
def start(campaign_id: str, caller: ManagerOrAdmin) -> dict:
    return campaigns.view(campaigns.start(caller, campaign_id))


@router.post("/{campaign_id}/pause")
def pause(campaign_id: str, caller: ManagerOrAdmin) -> dict:
    return campaigns.view(campaigns.pause(caller, campaign_id))


@router.post("/{campaign_id}/resume")
def resume(campaign_id: str, caller: ManagerOrAdmin) -> dict:
    return campaigns.view(campaigns.resume(caller, campaign_id))


@router.post("/{campaign_id}/cancel")
def cancel(campaign_id: str, caller: ManagerOrAdmin) -> dict:
    return campaigns.view(campaigns.cancel(caller, campaign_id))


@router.get("/{campaign_id}/recipients")
def recipients(campaign_id: str, caller: ManagerOrAdmin, status: str | None = Query(default=None, max_length=20),
               cursor: str | None = Query(default=None, max_length=2048),
               limit: int = Query(default=50, ge=1, le=200)) -> dict:
    return campaigns.recipients(caller, campaign_id, status=status, cursor=cursor,
                                limit=limit).as_json(dom.recipient_json)


@router.post("/{campaign_id}/recipients/retry-uncertain")
def retry_uncertain(campaign_id: str, caller: ManagerOrAdmin) -> dict:
    """Send again the recipients whose outcome stayed uncertain (a duplicate is possible: the SPA warns)."""
    campaigns.get(caller, campaign_id)  # another tenant's campaign: 404
    count = campaign_reconcile.retry_uncertain(caller.tenant_id, campaign_id)
    return {"count": count, "campaign": campaigns.view(campaigns.get(caller, campaign_id))}


@router.get("/{campaign_id}/export.csv")
def export_csv(campaign_id: str, caller: ManagerOrAdmin) -> Response:
    text, filename = campaigns.export_csv(caller, campaign_id)
    return Response(content=text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers=downloads.attachment(filename))


@router.get("/{campaign_id}/timeline")
def timeline(campaign_id: str, caller: ManagerOrAdmin) -> dict:
    return campaigns.timeline(caller, campaign_id)
