"""The onboarding checklist of a new tenant: four steps, each ticked from what really happened."""
from __future__ import annotations

from dataclasses import dataclass

CONNECT, IMPORT, ANSWER, CAMPAIGN = "connect_number", "import_contacts", "answer_chat", "send_campaign"
STEPS: tuple[str, ...] = (CONNECT, IMPORT, ANSWER, CAMPAIGN)
TITLES = {CONNECT: "Conectar um número", IMPORT: "Importar contatos", ANSWER: "Responder uma conversa",
          CAMPAIGN: "Enviar a primeira campanha"}


@dataclass(frozen=True)
class Checklist:
    """Step -> when it was first seen done (ISO time), or None."""

    done: dict[str, str | None]

    @property
    def complete(self) -> bool:
        return all(self.done.get(step) for step in STEPS)
