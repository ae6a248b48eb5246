"""/api/billing: the plan's checkout and portal (admins), the billing overview, Stripe's signed webhooks.

``POST /api/billing/stripe/webhook`` is public: it trusts nothing but the ``Stripe-Signature`` header
(services.billing.handle_webhook: 400 on a bad or expired signature, 200 for a replay).
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from alrea.api.deps import AdminUser
from alrea.api.routers.schemas import Body
from alrea.services import billing

router = APIRouter(prefix="/api/billing", tags=["billing"])

Product = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class CheckoutIn(Body):
    plan: Product
    add_ons: list[Product] = Field(default_factory=list, max_length=10)


class UrlOut(BaseModel):
    url: str


@router.get("")
def overview(caller: AdminUser) -> dict:
    return billing.overview(caller)


@router.post("/checkout", response_model=UrlOut)
def checkout(body: CheckoutIn, caller: AdminUser) -> dict:
    return {"url": billing.checkout(caller, body.plan, body.add_ons)}


@router.post("/portal", response_model=UrlOut)
def portal(caller: AdminUser) -> dict:
    return {"url": billing.portal(caller)}


@router.post("/stripe/webhook", include_in_schema=False)
async def stripe_webhook(request: Request,
                         stripe_signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None
                         ) -> dict:
    payload = await request.body()
    return await run_in_threadpool(billing.handle_webhook, payload, stripe_signature)
