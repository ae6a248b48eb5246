"""Domain errors. The API maps each to one HTTP status in one place (alrea.api.errors)."""
from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class Invalid(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class LimitReached(DomainError):
    """A plan limit: the tenant must upgrade (402 Payment Required)."""

    status = 402
    code = "plan_limit"


class TooManyRequests(DomainError):
    """Too many attempts: try again after ``retry_after_s`` seconds (429 with a Retry-After header)."""

    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after_s: int, headers: dict[str, str] | None = None,
                 **details: object) -> None:
        super().__init__(message, **details)
        self.retry_after_s = max(1, int(retry_after_s))
        self.headers = headers or {}


class OptedOut(Conflict):
    """The person asked not to be messaged (opt-out) or was erased: nothing is sent."""

    code = "opted_out"


class NoNumber(Conflict):
    """No WhatsApp number can send: none connected, or the one named is not connected."""

    code = "no_number"


class ReadOnly(DomainError):
    """The tenant is read-only (402): its payment is past due beyond the grace period (``billing_past_due``) or
    an operator suspended it (``account_suspended``). Reads still work; inbound messages are still stored."""

    status = 402
    code = "billing_past_due"

    def __init__(self, message: str, code: str = "billing_past_due", **details: object) -> None:
        super().__init__(message, **details)
        self.code = code


class BadRequest(DomainError):
    """A request that cannot be trusted or read (400), e.g. a webhook with a bad signature."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, code: str = "bad_request", **details: object) -> None:
        super().__init__(message, **details)
        self.code = code
