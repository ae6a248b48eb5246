"""A small fake Stripe over HTTP for ``alrea dev`` and the tests (no test calls the real Stripe).

It speaks what the billing adapter sends through the ``stripe`` library — form-encoded requests with
``Authorization: Bearer <secret key>``, Stripe's JSON objects and error shape:

    POST /v1/customers, GET /v1/customers/{id}
    POST /v1/checkout/sessions, GET /v1/checkout/sessions/{id}
    POST /v1/billing_portal/sessions
    GET|POST|DELETE /v1/subscriptions/{id}
    GET /v1/invoices?customer=&limit=, GET /v1/prices

and serves the hosted pages, in pt-BR: ``GET /checkout/{id}`` (a "Pagar" button: the payment creates the
subscription and its paid invoice, then posts ``customer.subscription.created``, ``invoice.paid`` and
``checkout.session.completed``) and ``GET /portal/{id}`` (change plan → ``customer.subscription.updated``,
cancel → ``customer.subscription.deleted``). Events are POSTed to the webhook URL signed exactly as Stripe
signs them: ``Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>``.

Controls for tests (no key needed; it listens on loopback only):

    POST /_fake/customers/{id}/fail_next_payment   the next charge fails (invoice.payment_failed, past_due)
    POST /_fake/subscriptions/{id}/renew           advance the clock to the period's end: renew and charge
    POST /_fake/subscriptions/{id}/pay             pay the open invoice (invoice.paid, active again)
    POST /_fake/advance {"days": n}                advance the clock; renews what falls due
    POST /_fake/events/{id}/resend                 deliver an event again (a replay)
    GET  /_fake/events                             what was delivered, with the answers' status codes
    POST /_fake/config {"webhook_url", "webhook_secret"}
"""
from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from alrea.domain import plans
from alrea.domain.billing import ADD_ON, PriceBook, local_prices

MONTH_S = 30 * 86400
ADD_ON_AMOUNT = 4_900  # cents (BRL)
PLAN_AMOUNTS = (9_900, 29_900, 79_900, 149_900, 299_900)


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe sends for ``payload`` (tests sign their own events with it)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def decode_form(body: bytes) -> dict[str, Any]:
    """Stripe's form encoding (``a[b][0][c]=v``) into nested dicts; maps keyed 0, 1, ... become lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    values = {k: _lists(v) for k, v in node.items()}
    if values and all(k.isdigit() for k in values):
        return [values[k] for k in sorted(values, key=int)]
    return values


def _title(kind: str, name: str) -> str:
    if kind == ADD_ON:
        return f"Adicional {name.capitalize()}"
    plan = plans.PLANS.get(name)
    return f"Plano {plan.title if plan else name.capitalize()}"


class StripeError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None,
                 kind: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.body = status, {"error": {"type": kind, "message": message, "code": code}}


class FakeStripe:
    """The fake's state and behaviour (one lock; every change that Stripe would announce posts its events)."""

    def __init__(self, api_key: str, webhook_secret: str, webhook_url: str = "",
                 prices: Mapping[str, str] | None = None) -> None:
        self.api_key, self.webhook_secret, self.webhook_url = api_key, webhook_secret, webhook_url
        self.url = ""
        self.offset_s = 0
        self.lock = threading.RLock()
        self.book = PriceBook.from_mapping(prices or local_prices())
        self.prices: dict[str, dict[str, Any]] = {}
        plan_amounts = iter(PLAN_AMOUNTS)
        for price_id, (kind, name) in self.book.by_price.items():
            amount = ADD_ON_AMOUNT if kind == ADD_ON else next(plan_amounts, PLAN_AMOUNTS[-1])
            self.prices[price_id] = {"id": price_id, "object": "price", "active": True, "currency": "brl",
                                     "unit_amount": amount, "recurring": {"interval": "month"},
                                     "nickname": _title(kind, name), "lookup_key": f"{kind}:{name}",
                                     "metadata": {"kind": kind, "name": name}}
        self.customers: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.portals: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}
        self.fail_next: set[str] = set()  # customer ids whose next charge fails
        self.events: list[dict[str, Any]] = []
        self.deliveries: list[dict[str, Any]] = []
        self._invoice_numbers = itertools.count(1)

    # ------------------------------------------------------------ basics
    def now(self) -> int:
        return int(time.time()) + self.offset_s

    @staticmethod
    def new_id(prefix: str) -> str:
        return f"{prefix}_{uuid.uuid4().hex[:24]}"

    def check_key(self, authorization: str | None) -> None:
        if authorization != f"Bearer {self.api_key}":
            raise StripeError(401, "Invalid API Key provided.", kind="invalid_request_error")

    def find(self, table: dict[str, dict[str, Any]], object_id: str, what: str) -> dict[str, Any]:
        found = table.get(object_id)
        if found is None:
            raise StripeError(404, f"No such {what}: '{object_id}'", code="resource_missing")
        return found

    # ------------------------------------------------------------ events
    def emit(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        event = {"id": self.new_id("evt"), "object": "event", "api_version": "2025-09-30.clover",
                 "created": self.now(), "type": kind, "livemode": False, "pending_webhooks": 1,
                 "data": {"object": json.loads(json.dumps(obj))}, "request": {"id": None, "idempotency_key": None}}
        self.events.append(event)
        self.deliver(event)
        return event

    def deliver(self, event: dict[str, Any]) -> int | None:
        """POST the event, signed with the current time; answers the status code (None: not delivered)."""
        if not self.webhook_url:
            return None
        payload = json.dumps(event).encode()
        status: int | None
        try:
            answer = httpx.post(self.webhook_url, content=payload, timeout=30, headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": sign(payload, self.webhook_secret), "User-Agent": "Stripe/1.0 (fake)"})
            status = answer.status_code
        except httpx.HTTPError:
            status = None
        self.deliveries.append({"event_id": event["id"], "type": event["type"], "status": status})
        return status

    # ------------------------------------------------------------ customers, sessions
    def create_customer(self, form: dict[str, Any]) -> dict[str, Any]:
        customer = {"id": self.new_id("cus"), "object": "customer", "created": self.now(),
                    "email": form.get("email"), "name": form.get("name"), "metadata": form.get("metadata") or {},
                    "livemode": False}
        self.customers[customer["id"]] = customer
        return customer

    def create_session(self, form: dict[str, Any]) -> dict[str, Any]:
        customer = self.find(self.customers, form.get("customer", ""), "customer")
        if form.get("mode") != "subscription":
            raise StripeError(400, "Only mode=subscription is supported by the fake.", code="parameter_invalid")
        items = [i for i in form.get("line_items") or [] if i]
        if not items:
            raise StripeError(400, "line_items is required in subscription mode.", code="parameter_missing")
        for item in items:
            self.find(self.prices, item.get("price", ""), "price")
        session_id = self.new_id("cs_test")
        session = {"id": session_id, "object": "checkout.session", "mode": "subscription",
                   "customer": customer["id"], "client_reference_id": form.get("client_reference_id"),
                   "metadata": form.get("metadata") or {},
                   "subscription_metadata": (form.get("subscription_data") or {}).get("metadata") or {},
                   "line_items": [{"price": i["price"], "quantity": int(i.get("quantity") or 1)} for i in items],
                   "success_url": form.get("success_url"), "cancel_url": form.get("cancel_url"),
                   "status": "open", "payment_status": "unpaid", "subscription": None, "created": self.now(),
                   "url": f"{self.url}/checkout/{session_id}", "livemode": False}
        self.sessions[session_id] = session
        return session

    def create_portal(self, form: dict[str, Any]) -> dict[str, Any]:
        customer = self.find(self.customers, form.get("customer", ""), "customer")
        portal_id = self.new_id("bps")
        portal = {"id": portal_id, "object": "billing_portal.session", "customer": customer["id"],
                  "return_url": form.get("return_url"), "url": f"{self.url}/portal/{portal_id}",
                  "created": self.now(), "livemode": False}
        self.portals[portal_id] = portal
        return portal

    # ------------------------------------------------------------ subscriptions and invoices
    def _items(self, price_ids: list[str], start: int, end: int) -> dict[str, Any]:
        return {"object": "list", "data": [
            {"id": self.new_id("si"), "object": "subscription_item", "price": self.prices[p], "quantity": 1,
             "current_period_start": start, "current_period_end": end} for p in price_ids]}

    def _set_period(self, sub: dict[str, Any], start: int) -> None:
        sub["current_period_start"], sub["current_period_end"] = start, start + MONTH_S
        for item in sub["items"]["data"]:
            item["current_period_start"], item["current_period_end"] = start, start + MONTH_S

    def _charge(self, sub: dict[str, Any], reason: str) -> dict[str, Any]:
        """An invoice for the subscription's current period, paid unless the customer's next charge fails."""
        amount = sum(int(i["price"]["unit_amount"]) for i in sub["items"]["data"])
        failed = sub["customer"] in self.fail_next
        self.fail_next.discard(sub["customer"])
        number = f"FAKE-{next(self._invoice_numbers):04d}"
        invoice = {"id": self.new_id("in"), "object": "invoice", "customer": sub["customer"],
                   "subscription": sub["id"], "billing_reason": reason, "currency": "brl", "created": self.now(),
                   "number": number, "amount_due": amount, "amount_paid": 0 if failed else amount,
                   "amount_remaining": amount if failed else 0, "attempt_count": 1, "paid": not failed,
                   "status": "open" if failed else "paid", "period_start": sub["current_period_start"],
                   "period_end": sub["current_period_end"], "hosted_invoice_url": f"{self.url}/invoices/{number}",
                   "parent": {"type": "subscription_details",
                              "subscription_details": {"subscription": sub["id"], "metadata": sub["metadata"]}},
                   "livemode": False}
        self.invoices[invoice["id"]] = invoice
        return invoice

    def _announce_charge(self, sub: dict[str, Any], invoice: dict[str, Any]) -> None:
        if invoice["status"] == "paid":
            self.emit("invoice.paid", invoice)
            return
        sub["status"] = "past_due"
        self.emit("invoice.payment_failed", invoice)
        self.emit("customer.subscription.updated", sub)

    def pay_session(self, session_id: str) -> dict[str, Any]:
        session = self.find(self.sessions, session_id, "checkout session")
        if session["status"] != "open":
            return session
        now = self.now()
        sub_id = self.new_id("sub")
        sub = {"id": sub_id, "object": "subscription", "customer": session["customer"], "status": "active",
               "created": now, "start_date": now, "cancel_at_period_end": False, "canceled_at": None,
               "current_period_start": now, "current_period_end": now + MONTH_S, "currency": "brl",
               "metadata": dict(session["subscription_metadata"]), "livemode": False,
               "items": self._items([i["price"] for i in session["line_items"]], now, now + MONTH_S)}
        self.subscriptions[sub_id] = sub
        invoice = self._charge(sub, "subscription_create")
        if invoice["status"] != "paid":
            sub["status"] = "incomplete"
        session.update(status="complete", payment_status="paid" if invoice["status"] == "paid" else "unpaid",
                       subscription=sub_id, invoice=invoice["id"])
        self.emit("customer.subscription.created", sub)
        self.emit("invoice.paid" if invoice["status"] == "paid" else "invoice.payment_failed", invoice)
        self.emit("checkout.session.completed", session)
        return session

    def change_prices(self, sub_id: str, price_ids: list[str]) -> dict[str, Any]:
        sub = self.find(self.subscriptions, sub_id, "subscription")
        for price in price_ids:
            self.find(self.prices, price, "price")
        sub["items"] = self._items(price_ids, sub["current_period_start"], sub["current_period_end"])
        self.emit("customer.subscription.updated", sub)
        return sub

    def change_plan(self, sub_id: str, plan_price: str) -> dict[str, Any]:
        """The portal's plan change: the plan's price replaced, the add-ons kept."""
        sub = self.find(self.subscriptions, sub_id, "subscription")
        keep = [i["price"]["id"] for i in sub["items"]["data"] if self.book.by_price.get(i["price"]["id"],
                                                                                          ("", ""))[0] == ADD_ON]
        return self.change_prices(sub_id, [plan_price, *keep])

    def cancel(self, sub_id: str) -> dict[str, Any]:
        sub = self.find(self.subscriptions, sub_id, "subscription")
        sub.update(status="canceled", canceled_at=self.now(), ended_at=self.now())
        self.emit("customer.subscription.deleted", sub)
        return sub

    def renew(self, sub_id: str) -> dict[str, Any]:
        """The clock reaches the period's end: a new period and its charge."""
        sub = self.find(self.subscriptions, sub_id, "subscription")
        if sub["status"] == "canceled":
            return sub
        self.offset_s = max(self.offset_s, sub["current_period_end"] - int(time.time()))
        self._set_period(sub, sub["current_period_end"])
        self._announce_charge(sub, self._charge(sub, "subscription_cycle"))
        return sub

    def advance(self, seconds: int) -> None:
        self.offset_s += max(0, seconds)
        for sub in list(self.subscriptions.values()):
            while sub["status"] != "canceled" and sub["current_period_end"] <= self.now():
                self._set_period(sub, sub["current_period_end"])
                self._announce_charge(sub, self._charge(sub, "subscription_cycle"))

    def pay(self, sub_id: str) -> dict[str, Any]:
        """The customer pays what is open (a new card): invoice.paid, active again."""
        sub = self.find(self.subscriptions, sub_id, "subscription")
        for invoice in self.invoices.values():
            if invoice["subscription"] == sub_id and invoice["status"] == "open":
                invoice.update(status="paid", paid=True, amount_paid=invoice["amount_due"], amount_remaining=0)
                self.emit("invoice.paid", invoice)
        if sub["status"] in ("past_due", "unpaid", "incomplete"):
            sub["status"] = "active"
            self.emit("customer.subscription.updated", sub)
        return sub

    def customer_subscription(self, customer_id: str) -> dict[str, Any] | None:
        subs = [s for s in self.subscriptions.values() if s["customer"] == customer_id and s["status"] != "canceled"]
        return subs[-1] if subs else None

    def list_invoices(self, customer_id: str | None, limit: int) -> dict[str, Any]:
        rows = [i for i in self.invoices.values() if customer_id in (None, i["customer"])]
        rows.sort(key=lambda i: (i["created"], i["number"]), reverse=True)
        return {"object": "list", "url": "/v1/invoices", "has_more": len(rows) > limit, "data": rows[:limit]}


# ---------------------------------------------------------------- the hosted pages (pt-BR)
PAGE = """<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;color:#1e293b}}
.card{{border:1px solid #e2e8f0;border-radius:12px;padding:1.5rem}}button{{background:#4f46e5;color:#fff;
border:0;border-radius:8px;padding:.7rem 1.4rem;font-size:1rem;cursor:pointer;margin:.25rem 0}}
button.secondary{{background:#e2e8f0;color:#1e293b}}li{{margin:.3rem 0}}small{{color:#64748b}}</style></head>
<body><p><small>Stripe (simulado localmente: nenhum valor é cobrado)</small></p><div class="card">{body}</div>
</body></html>"""


def _money(cents: int) -> str:
    return "R$ " + f"{cents / 100:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(PAGE.format(title=html.escape(title), body=body))


def checkout_page(fake: FakeStripe, session: dict[str, Any]) -> HTMLResponse:
    rows, total = [], 0
    for item in session["line_items"]:
        price = fake.prices[item["price"]]
        total += int(price["unit_amount"])
        rows.append(f"<li>{html.escape(price['nickname'])} — {_money(int(price['unit_amount']))}/mês</li>")
    email = html.escape(str(fake.customers[session["customer"]].get("email") or ""))
    if session["status"] != "open":
        return _page("Pagamento concluído", "<h1>Pagamento já concluído</h1>")
    body = (f"<h1>Assinar</h1><p>{email}</p><ul>{''.join(rows)}</ul><p><strong>Total: {_money(total)}/mês"
            f"</strong></p><form method='post' action='/checkout/{session['id']}/pay'>"
            "<button type='submit'>Pagar</button></form>"
            f"<p><a href='{html.escape(session['cancel_url'] or '/')}'>Cancelar e voltar</a></p>")
    return _page("Pagamento", body)


def portal_page(fake: FakeStripe, portal: dict[str, Any]) -> HTMLResponse:
    sub = fake.customer_subscription(portal["customer"])
    back = f"<p><a href='{html.escape(portal['return_url'] or '/')}'>Voltar</a></p>"
    if sub is None:
        return _page("Portal de cobrança", f"<h1>Portal de cobrança</h1><p>Nenhuma assinatura ativa.</p>{back}")
    current = [i["price"]["id"] for i in sub["items"]["data"]]
    items = "".join(f"<li>{html.escape(fake.prices[p]['nickname'])}</li>" for p in current)
    changes = "".join(
        f"<form method='post' action='/portal/{portal['id']}/plan'><input type='hidden' name='price' value='{p}'>"
        f"<button type='submit' class='secondary'>Mudar para {html.escape(fake.prices[p]['nickname'])}</button>"
        "</form>" for p, (kind, _name) in fake.book.by_price.items() if kind != ADD_ON and p not in current)
    body = (f"<h1>Portal de cobrança</h1><p>Situação: {html.escape(sub['status'])}</p><ul>{items}</ul>{changes}"
            f"<form method='post' action='/portal/{portal['id']}/cancel'><button type='submit' class='secondary'>"
            f"Cancelar assinatura</button></form>{back}")
    return _page("Portal de cobrança", body)


# ---------------------------------------------------------------- the HTTP face
def create_app(fake: FakeStripe) -> FastAPI:
    app = FastAPI(title="fake Stripe", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.fake = fake

    @app.exception_handler(StripeError)
    async def _error(_: Request, exc: StripeError) -> JSONResponse:
        return JSONResponse(exc.body, status_code=exc.status)

    def api(request: Request) -> None:
        fake.check_key(request.headers.get("authorization"))

    async def form(request: Request) -> dict[str, Any]:
        api(request)
        return decode_form(await request.body())

    @app.post("/v1/customers")
    async def create_customer(request: Request) -> dict[str, Any]:
        body = await form(request)
        with fake.lock:
            return fake.create_customer(body)

    @app.get("/v1/customers/{customer_id}")
    def get_customer(customer_id: str, request: Request) -> dict[str, Any]:
        api(request)
        return fake.find(fake.customers, customer_id, "customer")

    @app.post("/v1/checkout/sessions")
    async def create_session(request: Request) -> dict[str, Any]:
        body = await form(request)
        with fake.lock:
            return fake.create_session(body)

    @app.get("/v1/checkout/sessions/{session_id}")
    def get_session(session_id: str, request: Request) -> dict[str, Any]:
        api(request)
        return fake.find(fake.sessions, session_id, "checkout session")

    @app.post("/v1/billing_portal/sessions")
    async def create_portal(request: Request) -> dict[str, Any]:
        body = await form(request)
        with fake.lock:
            return fake.create_portal(body)

    @app.get("/v1/subscriptions/{sub_id}")
    def get_subscription(sub_id: str, request: Request) -> dict[str, Any]:
        api(request)
        return fake.find(fake.subscriptions, sub_id, "subscription")

    @app.post("/v1/subscriptions/{sub_id}")
    async def update_subscription(sub_id: str, request: Request) -> dict[str, Any]:
        body = await form(request)
        prices = [i.get("price") for i in body.get("items") or [] if i and i.get("price")]
        return await _in_thread(lambda: fake.change_prices(sub_id, prices) if prices
                                else fake.find(fake.subscriptions, sub_id, "subscription"))

    @app.delete("/v1/subscriptions/{sub_id}")
    async def cancel_subscription(sub_id: str, request: Request) -> dict[str, Any]:
        api(request)
        return await _in_thread(lambda: fake.cancel(sub_id))

    @app.get("/v1/invoices")
    def list_invoices(request: Request, customer: str | None = None, limit: int = 10) -> dict[str, Any]:
        api(request)
        return fake.list_invoices(customer, max(1, min(limit, 100)))

    @app.get("/v1/prices")
    def list_prices(request: Request) -> dict[str, Any]:
        api(request)
        return {"object": "list", "url": "/v1/prices", "has_more": False, "data": list(fake.prices.values())}

    # the hosted pages: events are delivered (synchronously, in order) before the redirect
    @app.get("/checkout/{session_id}")
    def checkout(session_id: str) -> HTMLResponse:
        return checkout_page(fake, fake.find(fake.sessions, session_id, "checkout session"))

    @app.post("/checkout/{session_id}/pay")
    async def pay(session_id: str) -> RedirectResponse:
        session = await _in_thread(lambda: fake.pay_session(session_id))
        target = (session["success_url"] or "/").replace("{CHECKOUT_SESSION_ID}", session_id)
        return RedirectResponse(target, status_code=303)

    @app.get("/portal/{portal_id}")
    def portal(portal_id: str) -> HTMLResponse:
        return portal_page(fake, fake.find(fake.portals, portal_id, "portal session"))

    @app.post("/portal/{portal_id}/plan")
    async def portal_plan(portal_id: str, request: Request) -> RedirectResponse:
        session = fake.find(fake.portals, portal_id, "portal session")
        price = decode_form(await request.body()).get("price", "")
        sub = fake.customer_subscription(session["customer"])
        if sub is not None:
            await _in_thread(lambda: fake.change_plan(sub["id"], price))
        return RedirectResponse(session["return_url"] or "/", status_code=303)

    @app.post("/portal/{portal_id}/cancel")
    async def portal_cancel(portal_id: str) -> RedirectResponse:
        session = fake.find(fake.portals, portal_id, "portal session")
        sub = fake.customer_subscription(session["customer"])
        if sub is not None:
            await _in_thread(lambda: fake.cancel(sub["id"]))
        return RedirectResponse(session["return_url"] or "/", status_code=303)

    # controls
    @app.post("/_fake/customers/{customer_id}/fail_next_payment")
    def fail_next(customer_id: str) -> dict[str, Any]:
        fake.find(fake.customers, customer_id, "customer")
        fake.fail_next.add(customer_id)
        return {"ok": True}

    @app.post("/_fake/subscriptions/{sub_id}/renew")
    async def renew(sub_id: str) -> dict[str, Any]:
        return await _in_thread(lambda: fake.renew(sub_id))

    @app.post("/_fake/subscriptions/{sub_id}/pay")
    async def pay_open(sub_id: str) -> dict[str, Any]:
        return await _in_thread(lambda: fake.pay(sub_id))

    @app.post("/_fake/advance")
    async def advance(request: Request) -> dict[str, Any]:
        body = json.loads(await request.body() or b"{}")
        seconds = int(body.get("seconds") or 0) + int(float(body.get("days") or 0) * 86400)
        await _in_thread(lambda: fake.advance(seconds))
        return {"now": fake.now()}

    @app.post("/_fake/events/{event_id}/resend")
    async def resend(event_id: str) -> dict[str, Any]:
        event = next((e for e in fake.events if e["id"] == event_id), None)
        if event is None:
            raise StripeError(404, f"No such event: '{event_id}'", code="resource_missing")
        return {"status": await _in_thread(lambda: fake.deliver(event))}

    @app.get("/_fake/events")
    def events() -> dict[str, Any]:
        return {"events": fake.events, "deliveries": fake.deliveries}

    @app.get("/_fake/customers/{customer_id}")
    def customer_state(customer_id: str) -> dict[str, Any]:
        return {"customer": fake.find(fake.customers, customer_id, "customer"),
                "subscription": fake.customer_subscription(customer_id)}

    @app.post("/_fake/config")
    async def config(request: Request) -> dict[str, Any]:
        body = json.loads(await request.body() or b"{}")
        fake.webhook_url = body.get("webhook_url", fake.webhook_url)
        fake.webhook_secret = body.get("webhook_secret", fake.webhook_secret)
        return {"webhook_url": fake.webhook_url}

    async def _in_thread(work: Any) -> Any:
        """Changes that post webhooks run in a worker thread under the lock: the app's webhook handler may
        call back into this server (a subscription's retrieve) while we wait for its answer."""
        from starlette.concurrency import run_in_threadpool

        def locked() -> Any:
            with fake.lock:
                return work()

        return await run_in_threadpool(locked)

    return app


class FakeStripeServer:
    """The fake served by uvicorn in a daemon thread (``alrea dev``, the tests); ``port=0`` picks a free one."""

    def __init__(self, *, api_key: str, webhook_secret: str, webhook_url: str = "", port: int = 0,
                 host: str = "127.0.0.1", prices: Mapping[str, str] | None = None) -> None:
        from alrea.local.moto import free_port

        self.port = port or free_port(host)
        self.url = f"http://{host}:{self.port}"
        self.fake = FakeStripe(api_key, webhook_secret, webhook_url, prices)
        self.fake.url = self.url
        self.app = create_app(self.fake)
        self._thread: Any = None
        self.host = host

    def start(self) -> FakeStripeServer:
        from alrea.local.runtime import ServerThread

        self._thread = ServerThread(self.app, self.host, self.port, "fake-stripe")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.stop()
            self._thread = None
