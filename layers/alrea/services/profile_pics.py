"""Contacts' profile pictures: fetched through Evolution, cached in the tenant's S3 prefix, refreshed daily.

Flow: an inbound 1:1 message is stored → ``request_fetch`` (a hooks.ON_MESSAGE_STORED listener) publishes
``{tenant_id, instance_id, contact_key}`` on ``chat_fetch_profile_pic`` unless the contact's picture was fetched
less than ``REFRESH_AGE`` ago → ``fetch_profile_pic`` (the queue's consumer) asks Evolution for the picture URL,
downloads it (the PictureDownloader port) and stores it under ``t/<tid>/avatars/<digits>.<ext>``; the contact keeps ``avatar_key`` and
``avatar_fetched_at`` (also set when the contact shows no picture, so nobody asks again for a day).

No open proxy: the URL comes from Evolution, and only WhatsApp's picture CDN (https ``*.whatsapp.net``) or the
configured Evolution server itself (the simulator serves its pictures) is fetched; no redirects are followed,
only image types are kept, with a size cap and a timeout. The SPA gets short-lived presigned URLs only.
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from pydantic import BaseModel

from alrea.core.clock import iso, parse_iso, utcnow
from alrea.core.config import get_settings
from alrea.core.errors import NotFound
from alrea.core.log import logger
from alrea.domain.contacts import Contact
from alrea.ports import whatsapp as wa
from alrea.ports.pictures import PictureRefused, PictureUnavailable  # noqa: F401 - the port's errors
from alrea.resources import tenant_key
from alrea.services import hooks
from alrea.store import contacts, instances
from alrea.wiring import runtime

QUEUE = "chat_fetch_profile_pic"
REFRESH_AGE = timedelta(hours=24)
MAX_BYTES = 2 * 1024 * 1024  # WhatsApp's 640x640 JPEGs are ~30-150 KB
IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
CDN_SUFFIX = ".whatsapp.net"


class FetchJob(BaseModel):
    tenant_id: str
    instance_id: str
    contact_key: str


def is_fresh(contact: Contact | None, now=None) -> bool:
    if contact is None or not contact.avatar_fetched_at:
        return False
    return (now or utcnow()) - parse_iso(contact.avatar_fetched_at) < REFRESH_AGE


def _number(contact_key: str | None) -> str | None:
    """Evolution's number for a contact key: the E.164 digits; None for a LID (the number is unknown)."""
    if not contact_key or not contact_key.startswith("+"):
        return None
    digits = contact_key[1:]
    return digits if digits.isdigit() else None


# ---------------------------------------------------------------- enqueue (hook listener)
def request_fetch(fact: hooks.MessageStored) -> None:
    """ON_MESSAGE_STORED: an inbound 1:1 message from a contact whose picture is stale → one fetch job."""
    if fact.direction != "in" or fact.is_group or _number(fact.contact_key) is None:
        return
    assert fact.contact_key is not None
    seen = getattr(fact, "contact", None)  # read by the pipeline before storing: no second read
    if is_fresh(seen if seen is not None else contacts.get(fact.tenant_id, fact.contact_key)):
        return
    runtime().bus.publish(QUEUE, {"tenant_id": fact.tenant_id, "instance_id": fact.instance_id,
                                  "contact_key": fact.contact_key})


# ---------------------------------------------------------------- the queue's consumer
def allowed(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.scheme == "https" and parts.hostname.endswith(CDN_SUFFIX):
        return True
    evolution = urlsplit(get_settings().evolution_url)
    return (parts.scheme, parts.hostname, parts.port) == (evolution.scheme, evolution.hostname, evolution.port)


def download(url: str) -> tuple[bytes, str]:
    """The picture's bytes and content type, through the PictureDownloader port: PictureRefused for what must
    not be kept (an origin outside the allowed ones included), PictureUnavailable when a retry may help."""
    if not allowed(url):
        raise PictureRefused("picture URL outside WhatsApp's CDN and the Evolution server")
    return runtime().pictures.download(url, types=IMAGE_TYPES, max_bytes=MAX_BYTES)


def avatar_key(tenant_id: str, contact_key: str, content_type: str) -> str:
    return tenant_key(tenant_id, "avatars", contact_key.lstrip("+") + IMAGE_TYPES[content_type])


def fetch_profile_pic(body: dict) -> str | None:
    """Refresh one contact's cached picture; answers its S3 key (None: no picture, or nothing to do).

    Raises on what a retry can fix (Evolution or the CDN unavailable), so the queue retries, then dead-letters.
    """
    job = FetchJob.model_validate(body)
    contact, number = contacts.get(job.tenant_id, job.contact_key), _number(job.contact_key)
    if contact is None or number is None:
        logger.info("profile picture job for an unknown contact", extra={"contact_key": job.contact_key})
        return None
    if is_fresh(contact):
        return contact.avatar_key
    try:
        instance = instances.get(job.tenant_id, job.instance_id)
    except NotFound:
        logger.info("profile picture job for a deleted instance", extra={"instance_id": job.instance_id})
        return None
    now = iso(utcnow())
    try:
        url = runtime().whatsapp.fetch_profile_picture(instance.evolution_name, number)
    except (wa.NumberNotOnWhatsApp, wa.BadRequest):
        url = None
    except (wa.InstanceNotFound, wa.ConnectionClosed) as exc:
        logger.info("profile picture not fetchable now", extra={"reason": type(exc).__name__})
        return None  # the next inbound message asks again
    key = None
    if url:
        try:
            data, content_type = download(url)
        except PictureRefused as exc:
            logger.warning("profile picture refused", extra={"reason": str(exc), "contact_key": job.contact_key})
        else:
            key = avatar_key(job.tenant_id, job.contact_key, content_type)
            runtime().storage.put(key, data, content_type)
    contacts.set_avatar(job.tenant_id, job.contact_key, key, now)
    logger.info("profile picture cached" if key else "contact shows no profile picture",
                extra={"contact_key": job.contact_key, "key": key})
    return key


# ---------------------------------------------------------------- serving
def avatar_url(tenant_id: str, contact_key: str) -> str | None:
    """A short-lived presigned GET of the contact's cached picture, or None when there is none."""
    return presigned(contacts.get(tenant_id, contact_key))


def presigned(contact: Contact | None) -> str | None:
    """The presigned GET of an already-read contact's cached picture (local computation, no call)."""
    if contact is None or not contact.avatar_key:
        return None
    return runtime().storage.presign_get(contact.avatar_key, get_settings().media_url_ttl_s)
