"""PaymentProvider: customers, hosted checkout and portal pages, subscriptions, invoices, signed webhook events.

The Stripe adapter (``adapters/stripe_billing.py``, the ``stripe`` library only) implements it; the API base URL
is configurable, so ``alrea dev`` and the tests point it at the local fake Stripe (``alrea.local.fake_stripe``).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from alrea.domain.billing import Invoice, ProviderEvent, Subscription


class BadSignature(Exception):
    """A webhook whose signature, timestamp (tolerance window) or payload cannot be trusted."""


class ProviderUnavailable(Exception):
    """The payment provider refused or did not answer a call."""


class PaymentProvider(ABC):
    @abstractmethod
    def create_customer(self, *, tenant_id: str, name: str, email: str) -> str:
        """A new customer for the tenant; answers its id."""

    @abstractmethod
    def checkout_url(self, *, customer_id: str, tenant_id: str, price_ids: Sequence[str], success_url: str,
                     cancel_url: str) -> str:
        """A hosted Checkout page (subscription mode) for these prices."""

    @abstractmethod
    def portal_url(self, *, customer_id: str, return_url: str) -> str:
        """A hosted customer portal page (payment method, plan change, cancel, invoices)."""

    @abstractmethod
    def subscription(self, subscription_id: str) -> Subscription:
        """The subscription as it is now."""

    @abstractmethod
    def invoices(self, customer_id: str, limit: int = 5) -> list[Invoice]:
        """The customer's latest invoices, newest first."""

    @abstractmethod
    def verify_event(self, payload: bytes, signature: str | None) -> ProviderEvent:
        """The event of a webhook POST, once its signature is verified; raises ``BadSignature``."""
