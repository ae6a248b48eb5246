"""Email: sends one transactional e-mail (sign-up verification, password reset, invitations).

Services build an ``OutgoingMail`` from a template (``domain/mail_templates.py``) and hand it to the port;
the adapter chosen by ``wiring`` delivers it: Amazon SES in AWS (``adapters/aws/ses.py``), the local mail sink
(``adapters/memory/mail.py``) for ``alrea dev`` and the tests, listed at ``/dev/mail``.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    text: str  # the plain-text part (always sent)
    html: str  # the HTML part
    kind: str  # the template's name: an SES message tag, the sink's label


class MailRefused(Exception):
    """The provider refused the message for good (an unverified sender, a suppressed address...)."""


class Email(ABC):
    @abstractmethod
    def send(self, mail: OutgoingMail) -> str:
        """Deliver one message; answers the provider's message id. Raises ``MailRefused`` when refused."""
