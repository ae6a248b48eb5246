"""CSV import of contacts.

1. ``create``: the SPA (or a partner) announces the file and the column mapping; gets a presigned PUT URL for
   ``t/<tid>/imports/<id>.import.csv``.
2. S3 ObjectCreated → queue ``contacts_import`` → ``handle_s3_message`` → ``run``: the object is STREAMED in
   64 KiB chunks (UTF-8, with or without BOM, or Latin-1; ``,`` ``;`` tab or ``|``), each row validated and
   normalised, deduplicated within the file (first occurrence wins) and against the store (a BatchGetItem per
   100 rows), new contacts written with BatchWriteItem after reserving room under ``max_contacts`` with an
   atomic conditional ADD, existing ones updated only when something changes (so a re-import writes nothing).
3. Progress goes to the importing user's WebSocket group at most every 0.5 s and to the import item (polling
   fallback); the bad rows go to an error report CSV (row, value, reason) under the tenant's prefix.

The key is the phone, so two imports racing can never create two contacts for one number.
"""
from __future__ import annotations

import codecs
import csv
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import unquote_plus

from alrea.core.clock import iso, new_id, utcnow
from alrea.core.errors import Invalid, NotFound
from alrea.core.log import logger
from alrea.domain import contacts as dom
from alrea.domain.csv_cells import SafeWriter
from alrea.domain.object_keys import parse_tenant_key
from alrea.domain.roles import Principal
from alrea.domain.texts import plural
from alrea.ports.push import user_group
from alrea.resources import BUCKET, tenant_key
from alrea.services import billing, hooks
from alrea.services.contacts import max_contacts, region
from alrea.store import contacts as store
from alrea.store import imports as import_store
from alrea.store import tags as tag_store
from alrea.domain.contacts import Contact, ImportJob
from alrea.wiring import runtime

MAX_FILE_BYTES = 100 * 1024 * 1024
CHUNK_ROWS = 100  # BatchGetItem's limit
PUSH_EVERY_S = 0.5
SAVE_EVERY_S = 2.0
URL_TTL_S = 900
# No Content-Type is signed: the browser PUTs the file as an untyped Blob, so moto's CORS preflight (which
# re-checks signed headers) passes locally and S3 (SigV2 or SigV4) accepts it in AWS.
CONTENT_TYPE = ""
ERRORS_SUFFIX = ".errors.csv"
REASON_TEXT = {"duplicate": "telefone repetido no arquivo", "plan_limit": "limite de contatos do plano atingido"}


# ---------------------------------------------------------------- API side
def create(caller: Principal, *, file_name: str, size: int, mapping: dict[str, str] | None) -> dict[str, Any]:
    billing.ensure_writable(caller.tenant_id)  # read-only when past due beyond the grace period, or suspended
    if size <= 0:
        raise Invalid("O arquivo está vazio.", field="size")
    if size > MAX_FILE_BYTES:
        raise Invalid(f"Arquivo grande demais: o limite é {MAX_FILE_BYTES // (1024 * 1024)} MB.", field="size")
    if mapping is not None:
        try:
            dom.check_mapping(mapping, store.field_defs(caller.tenant_id))
        except dom.ContactValueError as exc:
            raise Invalid(f"Mapeamento inválido: {exc}.", field="mapping") from None
    import_id = new_id()
    key = tenant_key(caller.tenant_id, "imports", f"{import_id}{BUCKET.import_suffix}")
    import_store.create(caller.tenant_id, import_id, user_id=caller.user_id, file_name=file_name, size=size,
                        object_key=key, mapping=mapping)
    return {"import_id": import_id, "key": key, "content_type": CONTENT_TYPE or None, "status": "awaiting_upload",
            "upload_url": runtime().storage.presign_put(key, URL_TTL_S, CONTENT_TYPE)}


def get(caller: Principal, import_id: str) -> ImportJob:
    item = import_store.get(caller.tenant_id, import_id)
    if item is None:
        raise NotFound("Importação não encontrada.")
    return item


def error_report_url(job: ImportJob) -> str | None:
    """A short-lived download of the job's error report (None: no row failed)."""
    if not job.error_report_key:
        return None
    return runtime().storage.presign_get(job.error_report_key, URL_TTL_S,
                                         f"erros-{job.file_name.rsplit('.', 1)[0]}.csv")


# ---------------------------------------------------------------- queue side
def handle_s3_message(body: dict[str, Any]) -> int:
    """One SQS body of S3 notifications; returns how many imports ran. ``s3:TestEvent`` has no Records."""
    ran = 0
    for record in body.get("Records") or []:
        s3 = record.get("s3") or {}
        key = unquote_plus((s3.get("object") or {}).get("key", ""))
        parsed = parse_object_key(key)
        if parsed is None:
            logger.warning("not an import object; ignored", extra={"key": key})
            continue
        run(*parsed, key=key, size=int((s3.get("object") or {}).get("size") or 0))
        ran += 1
    return ran


def parse_object_key(key: str) -> tuple[str, str] | None:
    """(tenant_id, import_id) of ``t/<tid>/imports/<id>.import.csv``."""
    parsed = parse_tenant_key(key, ("imports",))
    if parsed is None or not parsed[1].endswith(BUCKET.import_suffix):
        return None
    tenant_id, file_name = parsed
    return tenant_id, file_name[: -len(BUCKET.import_suffix)]


# ---------------------------------------------------------------- decoding
def _latin1_fallback(exc: UnicodeDecodeError) -> tuple[str, int]:
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


codecs.register_error("alrea-latin1", _latin1_fallback)


class Meter:
    """Counts the bytes read from the stream (the progress bar follows it)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks = iter(chunks)
        self.read = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.read += len(chunk)
            yield chunk


def decode(chunks: Iterator[bytes]) -> tuple[str, Iterator[str]]:
    """(encoding, text chunks): UTF-8 (BOM stripped) when the head is valid UTF-8, else Latin-1.

    A stray invalid byte later in a UTF-8 file is read as Latin-1 instead of failing the import.
    """
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= 64 * 1024:
            break
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        encoding, errors = "utf-8-sig", "alrea-latin1"
    except UnicodeDecodeError:
        encoding, errors = "latin-1", "strict"
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)

    def text() -> Iterator[str]:
        yield decoder.decode(head)
        for chunk in chunks:
            yield decoder.decode(chunk)
        yield decoder.decode(b"", final=True)

    return ("utf-8" if encoding == "utf-8-sig" else encoding), text()


def lines(texts: Iterable[str]) -> Iterator[str]:
    """Text chunks -> lines with their terminators (csv joins quoted multi-line fields back)."""
    buf = ""
    for text in texts:
        if not text:
            continue
        buf += text
        parts = buf.split("\n")
        buf = parts.pop()
        for part in parts:
            yield part + "\n"
    if buf:
        yield buf


def sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        return max(",;\t|", key=first.count) if any(d in first for d in ",;\t|") else ","


# ---------------------------------------------------------------- the run
@dataclass
class Tally:
    processed: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    blank: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {"processed": self.processed, "imported": self.imported, "updated": self.updated,
                "unchanged": self.unchanged, "failed": self.failed, "blank": self.blank}


class ErrorReport:
    """Bad rows spooled to a temp file (memory stays flat), uploaded as CSV at the end."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=1024 * 1024, mode="w+", newline="", encoding="utf-8")
        self.file.write("\ufeff")  # spreadsheets read the file as UTF-8
        self.writer = SafeWriter(self.file)  # the bad values are the uploader's text: never a live formula
        self.writer.writerow(["linha", "valor", "motivo"])
        self.rows = 0

    def add(self, row: int, value: str, reason: str) -> None:
        self.writer.writerow([row, value[:200], reason])
        self.rows += 1

    def upload(self, key: str) -> None:
        self.file.seek(0)
        runtime().storage.put(key, self.file.read().encode("utf-8"), "text/csv; charset=utf-8")
        self.file.close()


class Importer:
    def __init__(self, tenant_id: str, item: ImportJob, size: int) -> None:
        self.tid = tenant_id
        self.item = item
        self.size = size or item.size
        self.tally = Tally()
        self.report = ErrorReport()
        self.region = region(tenant_id)
        self.limit = max_contacts(tenant_id)
        self.limited = 0
        self.fields = store.field_defs(tenant_id)
        self.seen: dict[int, int] = {}  # E.164 digits -> first row (dedupe within the file)
        self.meter: Meter | None = None
        self._pushed = self._saved = 0.0
        self.pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="import")

    # -------------------------------------------------------- progress
    def bytes_read(self) -> int:
        return self.meter.read if self.meter else 0

    def event(self, status: str) -> dict[str, Any]:
        total = max(self.size, self.bytes_read())
        percent = 100 if status in ("done", "failed") else (min(99, int(self.bytes_read() * 100 / total))
                                                             if total else 0)
        return {"type": "import_progress", "import_id": self.item.id, "status": status, **self.tally.counts(),
                "bytes_read": self.bytes_read(), "bytes_total": total, "percent": percent}

    def progress(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._pushed >= PUSH_EVERY_S:
            self._pushed = now
            self.push(self.event("processing"))
        if force or now - self._saved >= SAVE_EVERY_S:
            self._saved = now
            self.item = import_store.progress(self.item, self.tally.counts(), self.tally.reasons, self.bytes_read())

    def push(self, event: dict[str, Any]) -> None:
        try:
            runtime().push.to_group(user_group(self.tid, self.item.user_id), event)
        except Exception:  # noqa: BLE001 - progress is best effort; the item holds the truth
            logger.exception("import progress push failed")

    def fail_row(self, row: int, value: str, reason: str, code: str) -> None:
        self.tally.failed += 1
        self.tally.reasons[code] = self.tally.reasons.get(code, 0) + 1
        self.report.add(row, value, reason)

    # -------------------------------------------------------- rows
    def run(self, chunks: Iterable[bytes]) -> None:
        self.meter = Meter(chunks)
        encoding, texts = decode(iter(self.meter))
        line_iter = lines(texts)
        head: list[str] = []
        for line in line_iter:
            head.append(line)
            if len(head) >= 20:
                break
        delimiter = sniff_delimiter("".join(head))
        reader = csv.reader(_chain(head, line_iter), delimiter=delimiter)
        header: list[str] | None = None
        row_no = 0
        for record in reader:
            row_no += 1
            if header is None:
                if any(c.strip() for c in record):
                    header = [c.strip().lstrip("\ufeff") for c in record]
                    mapping = self.mapping(header)
                continue
            if not any(c.strip() for c in record):
                self.tally.blank += 1
                continue
            self.row(row_no, dict(zip(header, record, strict=False)), mapping)
            if len(self.chunk) >= CHUNK_ROWS:
                self.flush()
            self.progress()
        if header is None:
            raise dom.ContactValueError("o arquivo não tem cabeçalho nem linhas")
        self.flush()
        logger.info("import parsed", extra={"encoding": encoding, "delimiter": delimiter, "rows": row_no})

    chunk: list[tuple[int, dom.RowValues]]

    def mapping(self, header: list[str]) -> dom.Mapping:
        self.chunk = []
        columns = self.item.mapping if self.item.mapping is not None else dom.guess_mapping(header, self.fields)
        return dom.check_mapping(columns, self.fields, header)

    def row(self, row_no: int, row: dict[str, str], mapping: dom.Mapping) -> None:
        self.tally.processed += 1
        parsed = dom.parse_row(row, mapping, self.fields, self.region)
        if isinstance(parsed, dom.RowError):
            self.fail_row(row_no, parsed.value, parsed.reason, parsed.code)
            return
        digits = int(dom.phone_digits(parsed.phone))
        first = self.seen.get(digits)
        if first is not None:
            self.fail_row(row_no, row.get(mapping.phone_column, ""),
                          f"{REASON_TEXT['duplicate']} (primeira ocorrência na linha {first})", "duplicate")
            return
        self.seen[digits] = row_no
        self.chunk.append((row_no, parsed))

    # -------------------------------------------------------- writes
    def flush(self) -> None:
        chunk, self.chunk = self.chunk, []
        if not chunk:
            return
        digests = {v.phone: dom.row_digest(v) for _, v in chunk}
        known = store.import_digests(self.tid, digests)  # projected: cheap
        new = self.within_limit([(r, v) for r, v in chunk if v.phone not in known])
        now = iso(utcnow())
        items = [store.new_item(self.tid, v.phone, source="import", name=v.name, email=v.email, tags=v.tags,
                                fields=v.fields, notes=v.notes, now=now, import_digest=digests[v.phone])
                 for _, v in new]
        store.put_many(items)
        self.tally.imported += len(items)
        members = [(t, v.phone) for _, v in new for t in v.tags]
        stale = [v for _, v in chunk if v.phone in known and known[v.phone] != digests[v.phone]]
        self.tally.unchanged += sum(1 for _, v in chunk if v.phone in known) - len(stale)
        current = store.batch_get(self.tid, [v.phone for v in stale]) if stale else {}
        pairs = [(v, current[v.phone], digests[v.phone]) for v in stale if v.phone in current]
        for added in self.pool.map(lambda pair: self.update(*pair), pairs):
            if added is None:
                self.tally.unchanged += 1
            else:
                self.tally.updated += 1
                members += added
        if members:
            tag_store.add_members(self.tid, members)
            deltas: dict[str, int] = {}
            for tag, _ in members:
                deltas[tag] = deltas.get(tag, 0) + 1
            tag_store.adjust(self.tid, deltas)

    def within_limit(self, new: list[tuple[int, dom.RowValues]]) -> list[tuple[int, dom.RowValues]]:
        if not new or store.reserve(self.tid, len(new), self.limit):
            return new
        room = max(0, self.limit - store.counted(self.tid))
        allowed = room if room and store.reserve(self.tid, room, self.limit) else 0
        for row_no, values in new[allowed:]:
            self.limited += 1
            self.fail_row(row_no, values.phone, REASON_TEXT["plan_limit"] + f" ({self.limit})", "plan_limit")
        return new[:allowed]

    def update(self, values: dom.RowValues, current: Contact, digest: str) -> list[tuple[str, str]] | None:
        """Apply what the row adds or changes; None when the contact already says all of it."""
        changes: dict[str, Any] = {}
        if values.name and values.name != current.name:
            changes["name"] = values.name
        if values.email and values.email != current.email:
            changes["email"] = values.email
        if values.notes and values.notes != current.notes:
            changes["notes"] = values.notes
        raw = current.fields
        merged = {**raw, **values.fields}
        if any(_differs(raw.get(k), v) for k, v in values.fields.items()):
            changes["fields"] = merged
        new_tags = [t for t in values.tags if t not in current.tags]
        if not changes and not new_tags:
            store.change(self.tid, current.key, import_digest=digest)  # next time: known without reading
            return None
        added: list[tuple[str, str]] = []
        store.change(self.tid, current.key, import_digest=digest, **changes)
        for tag in new_tags:
            if store.add_tag_if_missing(self.tid, current.key, tag):
                added.append((tag, current.key))
        return added

    # -------------------------------------------------------- the end
    def finish(self, status: str, message: str) -> None:
        report_key = None
        if self.report.rows:
            report_key = tenant_key(self.tid, "imports", f"{self.item.id}{ERRORS_SUFFIX}")
            self.report.upload(report_key)
        self.item = import_store.progress(self.item, self.tally.counts(), self.tally.reasons, self.bytes_read(),
                                          status=status, message=message, error_report_key=report_key,
                                          total_size=max(self.size, self.bytes_read()))
        self.pool.shutdown()
        self.push({**self.event(status), "message": message, "has_error_report": bool(report_key)})
        hooks.import_finished(hooks.ImportFinished(self.tid, self.item.id, self.item.user_id, status,
                                                   self.item.file_name, self.tally.imported, self.tally.updated,
                                                   self.tally.failed))

    def summary(self) -> str:
        t = self.tally
        text = (f"{plural(t.processed, 'linha lida', 'linhas lidas')}: "
                f"{plural(t.imported, 'contato novo', 'contatos novos')}, {plural(t.updated, 'atualizado', 'atualizados')}, "
                f"{t.unchanged} sem alteração, {t.failed} com erro.")
        if self.limited:
            text += " " + dom.limit_message(self.limit, t.imported, self.limited)
        return text


def _differs(old: Any, new: Any) -> bool:
    if isinstance(new, Decimal) and old is not None:
        try:
            return Decimal(str(old)) != new
        except ArithmeticError:
            return True
    return old != new


def _chain(head: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from head
    yield from rest


def run(tenant_id: str, import_id: str, *, key: str, size: int = 0) -> ImportJob | None:
    item = import_store.get(tenant_id, import_id)
    if item is None or item.object_key != key:
        logger.warning("upload without an import; ignored", extra={"key": key})
        return None
    if not import_store.start(item):
        logger.info("import already finished; redelivery ignored", extra={"import_id": import_id})
        return item
    logger.append_keys(tenant_id=tenant_id, import_id=import_id)
    importer = Importer(tenant_id, item, size)
    try:
        importer.run(runtime().storage.open_stream(key))
    except dom.ContactValueError as exc:
        importer.finish("failed", f"Não foi possível importar: {exc}.")
        return importer.item
    except Exception:
        logger.exception("import failed")
        importer.finish("failed", "Erro ao processar o arquivo; a importação será tentada novamente.")
        raise
    importer.finish("done", importer.summary())
    logger.info("import done", extra=importer.tally.counts())
    return importer.item
