"""The local mail sink: the Email port for ``alrea dev`` and the tests. Messages stay in the process (the
newest ``capacity``), newest first; the local gateway lists them at ``/dev/mail`` (HTML) and
``/dev/mail.json``. Nothing leaves the machine."""
from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass

from alrea.core.clock import iso, new_id, utcnow
from alrea.ports.email import Email, OutgoingMail


@dataclass(frozen=True)
class SunkMail:
    id: str
    sent_at: str
    to: str
    subject: str
    text: str
    html: str
    kind: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class MailSink(Email):
    def __init__(self, capacity: int = 500) -> None:
        self._messages: deque[SunkMail] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def send(self, mail: OutgoingMail) -> str:
        kept = SunkMail(id=new_id(), sent_at=iso(utcnow()), to=mail.to, subject=mail.subject, text=mail.text,
                        html=mail.html, kind=mail.kind)
        with self._lock:
            self._messages.appendleft(kept)
        return kept.id

    def messages(self, to: str | None = None) -> list[SunkMail]:
        """Newest first; only those addressed to ``to`` when given (case-insensitive)."""
        with self._lock:
            kept = list(self._messages)
        return [m for m in kept if to is None or m.to.lower() == to.lower()]

    def get(self, message_id: str) -> SunkMail | None:
        return next((m for m in self.messages() if m.id == message_id), None)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
