"""Contact CSV imports: ``T#<tid>`` / ``IMPORT#<id>`` — who, which file, the column mapping, status, counts."""
from __future__ import annotations

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from alrea.core.clock import iso, utcnow
from alrea.domain.contacts import IMPORT_COUNTS as COUNTS
from alrea.domain.contacts import ImportJob
from alrea.store.base import Item, update_if
from alrea.store.keys import tenant_pk

PREFIX = "IMPORT#"


class ImportItem(Item):
    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    file_name = UnicodeAttribute()
    size = NumberAttribute(default=0)
    object_key = UnicodeAttribute()
    mapping = MapAttribute(null=True)  # column -> target; None: guessed from the header
    status = UnicodeAttribute()  # awaiting_upload | processing | done | failed
    counts = MapAttribute(null=True)
    reasons = MapAttribute(null=True)  # reason -> rows
    bytes_read = NumberAttribute(default=0)
    message = UnicodeAttribute(null=True)
    error_report_key = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    started_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)

    def domain(self) -> ImportJob:
        counts = self.counts.as_dict() if self.counts is not None else {}
        return ImportJob(
            id=self.id, tenant_id=self.tenant_id, user_id=self.user_id, file_name=self.file_name,
            object_key=self.object_key, status=self.status, created_at=self.created_at, size=int(self.size or 0),
            mapping=dict(self.mapping.as_dict()) if self.mapping is not None else None,
            counts={k: int(counts.get(k, 0)) for k in COUNTS},
            reasons={k: int(v) for k, v in (self.reasons.as_dict() if self.reasons is not None else {}).items()},
            bytes_read=int(self.bytes_read or 0), message=self.message, error_report_key=self.error_report_key,
            started_at=self.started_at, finished_at=self.finished_at)


def _ref(job: ImportJob) -> ImportItem:
    return ImportItem(tenant_pk(job.tenant_id), PREFIX + job.id)


def create(tenant_id: str, import_id: str, *, user_id: str, file_name: str, size: int, object_key: str,
           mapping: dict[str, str] | None) -> ImportJob:
    item = ImportItem(tenant_pk(tenant_id), PREFIX + import_id, entity="contact_import", id=import_id,
                      tenant_id=tenant_id, user_id=user_id, file_name=file_name, size=size, object_key=object_key,
                      mapping=MapAttribute(**mapping) if mapping else None, status="awaiting_upload",
                      created_at=iso(utcnow()))
    item.save(condition=ImportItem.pk.does_not_exist())
    return item.domain()


def get(tenant_id: str, import_id: str) -> ImportJob | None:
    try:
        return ImportItem.get(tenant_pk(tenant_id), PREFIX + import_id, consistent_read=True).domain()
    except DoesNotExist:
        return None


def start(job: ImportJob) -> bool:
    """awaiting_upload|failed -> processing; False when another delivery already finished it."""
    return update_if(_ref(job), [ImportItem.status.set("processing"), ImportItem.started_at.set(iso(utcnow()))],
                     ImportItem.status != "done")


def progress(job: ImportJob, counts: dict[str, int], reasons: dict[str, int], bytes_read: int,
             *, status: str | None = None, message: str | None = None, error_report_key: str | None = None,
             total_size: int | None = None) -> ImportJob:
    """Counts and progress (and, at the end, the status, message and error report); answers the job as
    stored now."""
    actions = [ImportItem.counts.set(MapAttribute(**counts)), ImportItem.reasons.set(MapAttribute(**reasons)),
               ImportItem.bytes_read.set(bytes_read)]
    if total_size is not None:
        actions.append(ImportItem.size.set(total_size))
    if status:
        actions.append(ImportItem.status.set(status))
        if status in ("done", "failed"):
            actions.append(ImportItem.finished_at.set(iso(utcnow())))
    if message is not None:
        actions.append(ImportItem.message.set(message))
    if error_report_key:
        actions.append(ImportItem.error_report_key.set(error_report_key))
    item = _ref(job)
    item.update(actions=actions)
    return item.domain()
