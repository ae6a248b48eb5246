"""The onboarding checklist: ``pk=T#<tid> sk=ONBOARDING`` — when each step was first seen done, one attribute per
step. A step, once seen, stays ticked (set with ``if_not_exists``: the first time wins, concurrent ticks of
different steps never overwrite each other), so the checklist never goes back when a number drops later."""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from alrea.domain.onboarding import ANSWER, CAMPAIGN, CONNECT, IMPORT, STEPS, Checklist
from alrea.store.base import Item
from alrea.store.keys import tenant_pk

SK = "ONBOARDING"


class OnboardingItem(Item):
    connect_number = UnicodeAttribute(null=True)
    import_contacts = UnicodeAttribute(null=True)
    answer_chat = UnicodeAttribute(null=True)
    send_campaign = UnicodeAttribute(null=True)


_ATTRS = {CONNECT: OnboardingItem.connect_number, IMPORT: OnboardingItem.import_contacts,
          ANSWER: OnboardingItem.answer_chat, CAMPAIGN: OnboardingItem.send_campaign}


def get(tenant_id: str) -> Checklist:
    try:
        item = OnboardingItem.get(tenant_pk(tenant_id), SK)
    except DoesNotExist:
        return Checklist(done={step: None for step in STEPS})
    return Checklist(done={step: getattr(item, step) for step in STEPS})


def tick(tenant_id: str, step: str, at: str) -> None:
    """Record ``step`` as done at ``at`` unless it already was."""
    attr = _ATTRS[step]
    OnboardingItem(tenant_pk(tenant_id), SK).update(actions=[
        attr.set(attr | at), OnboardingItem.entity.set("onboarding")])
