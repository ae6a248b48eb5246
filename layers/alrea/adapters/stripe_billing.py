"""The Stripe PaymentProvider, through the ``stripe`` library only (``stripe.StripeClient``).

The API base comes from ``ALREA_STRIPE_API_BASE`` (the local fake Stripe in ``alrea dev`` and the tests; Stripe
itself in a deployment); the secret key and the webhook signing secret come from ``alrea.core.secrets``.
Webhooks are verified by ``stripe.Webhook.construct_event`` (HMAC-SHA256 over ``<t>.<payload>``, a tolerance
window against old signatures).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import stripe

from alrea.core import secrets
from alrea.core.config import get_settings
from alrea.domain.billing import Invoice, ProviderEvent, Subscription
from alrea.ports.billing import BadSignature, PaymentProvider, ProviderUnavailable


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """A field of a StripeObject or a plain dict (webhook payloads are dicts)."""
    try:
        value = obj[name]
    except (KeyError, TypeError, IndexError):
        return default
    return default if value is None else value


def _id(value: Any) -> str | None:
    """An id field that may be expanded into its object."""
    if value is None or isinstance(value, str):
        return value
    return _get(value, "id")


def subscription_of(obj: Any) -> Subscription:
    items = _get(_get(obj, "items", {}), "data", []) or []
    price_ids = tuple(pid for pid in (_id(_get(item, "price")) for item in items) if pid)
    # API versions from 2025 keep the period on the items; older ones on the subscription
    start = _get(obj, "current_period_start") or next((_get(i, "current_period_start") for i in items), None)
    end = _get(obj, "current_period_end") or next((_get(i, "current_period_end") for i in items), None)
    return Subscription(subscription_id=str(_get(obj, "id")), customer_id=str(_id(_get(obj, "customer"))),
                        status=str(_get(obj, "status", "incomplete")), price_ids=price_ids,
                        period_start=start, period_end=end,
                        cancel_at_period_end=bool(_get(obj, "cancel_at_period_end", False)),
                        tenant_id=_get(_get(obj, "metadata", {}), "tenant_id"))


def invoice_of(obj: Any) -> Invoice:
    parent = _get(_get(obj, "parent", {}), "subscription_details", {})
    return Invoice(invoice_id=str(_get(obj, "id")), status=str(_get(obj, "status", "open")),
                   amount_due=int(_get(obj, "amount_due", 0)), amount_paid=int(_get(obj, "amount_paid", 0)),
                   currency=str(_get(obj, "currency", "brl")), created=int(_get(obj, "created", 0)),
                   number=_get(obj, "number"), hosted_url=_get(obj, "hosted_invoice_url"),
                   subscription_id=_id(_get(obj, "subscription")) or _id(_get(parent, "subscription")),
                   customer_id=_id(_get(obj, "customer")))


class StripeProvider(PaymentProvider):
    def __init__(self, api_key: str | None = None, api_base: str | None = None,
                 webhook_secret: str | None = None, tolerance_s: int | None = None) -> None:
        settings = get_settings()
        base = (api_base or settings.stripe_api_base).rstrip("/")
        self.client = stripe.StripeClient(api_key or secrets.stripe_secret_key(), max_network_retries=1,
                                          base_addresses={"api": base, "files": base, "connect": base})
        self._webhook_secret = webhook_secret
        self.tolerance_s = settings.stripe_webhook_tolerance_s if tolerance_s is None else tolerance_s

    def _call(self, fn: Any, *args: Any, **kw: Any) -> Any:
        try:
            return fn(*args, **kw)
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"{type(exc).__name__}: {exc.user_message or exc}") from exc

    def create_customer(self, *, tenant_id: str, name: str, email: str) -> str:
        customer = self._call(self.client.v1.customers.create, params={
            "name": name, "email": email, "metadata": {"tenant_id": tenant_id}},
            options={"idempotency_key": f"customer-{tenant_id}"})
        return str(customer.id)

    def checkout_url(self, *, customer_id: str, tenant_id: str, price_ids: Sequence[str], success_url: str,
                     cancel_url: str) -> str:
        session = self._call(self.client.v1.checkout.sessions.create, params={
            "mode": "subscription", "customer": customer_id, "client_reference_id": tenant_id,
            "line_items": [{"price": p, "quantity": 1} for p in price_ids],
            "success_url": success_url, "cancel_url": cancel_url, "locale": "pt-BR",
            "metadata": {"tenant_id": tenant_id},
            "subscription_data": {"metadata": {"tenant_id": tenant_id}}})
        return str(session.url)

    def portal_url(self, *, customer_id: str, return_url: str) -> str:
        session = self._call(self.client.v1.billing_portal.sessions.create,
                             params={"customer": customer_id, "return_url": return_url, "locale": "pt-BR"})
        return str(session.url)

    def subscription(self, subscription_id: str) -> Subscription:
        return subscription_of(self._call(self.client.v1.subscriptions.retrieve, subscription_id))

    def invoices(self, customer_id: str, limit: int = 5) -> list[Invoice]:
        page = self._call(self.client.v1.invoices.list, params={"customer": customer_id, "limit": limit})
        return [invoice_of(inv) for inv in page.data]

    def verify_event(self, payload: bytes, signature: str | None) -> ProviderEvent:
        if not signature:
            raise BadSignature("missing Stripe-Signature header")
        secret = self._webhook_secret or secrets.stripe_webhook_secret()
        try:
            event = stripe.Webhook.construct_event(payload, signature, secret, tolerance=self.tolerance_s)
        except stripe.SignatureVerificationError as exc:
            raise BadSignature(str(exc.user_message or exc)) from None
        except ValueError as exc:  # not JSON
            raise BadSignature(f"invalid payload: {exc}") from None
        return event_of(event)


def event_of(event: Any) -> ProviderEvent:
    obj = _get(_get(event, "data", {}), "object", {})
    kind = _get(obj, "object")
    subscription = subscription_of(obj) if kind == "subscription" else None
    sub_id = subscription.subscription_id if subscription else _id(_get(obj, "subscription"))
    if sub_id is None and kind == "invoice":
        sub_id = invoice_of(obj).subscription_id
    tenant_id = _get(_get(obj, "metadata", {}), "tenant_id") or _get(obj, "client_reference_id")
    return ProviderEvent(event_id=str(_get(event, "id")), type=str(_get(event, "type")),
                         created=int(_get(event, "created", 0)), customer_id=_id(_get(obj, "customer")),
                         tenant_id=tenant_id, subscription_id=sub_id, subscription=subscription)
