"""The HTTP security-header policy, defined once for every place that answers a browser.

- API answers (alrea.api.middleware.SecurityHeaders, i.e. the ``api`` Lambda behind API Gateway and the local
  gateway alike): ``X-Content-Type-Options: nosniff``, no ``Server`` header naming the stack, and
  ``Cache-Control: no-store`` on the auth routes (their bodies are tokens).
- The SPA (served locally by alrea.local.gateway; in AWS by the static host, e.g. a CloudFront response headers
  policy built from :func:`spa_headers`): a Content-Security-Policy allowing only the SPA's own origin, its
  WebSocket (ws:/wss: of its own host) and the S3 endpoint of presigned URLs (uploads, media, imports), with
  ``blob:``/``data:`` for images and media the SPA builds itself; no framing; a strict Referrer-Policy.
"""
from __future__ import annotations

from collections.abc import Iterable

API_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
NO_STORE: dict[str, str] = {"Cache-Control": "no-store", "Pragma": "no-cache"}
NO_STORE_PREFIXES = ("/api/auth/", "/api/me/password")  # token answers: never cached by a browser or a proxy
DROPPED_HEADERS = ("server", "x-powered-by")


def api_headers(path: str) -> dict[str, str]:
    """The headers every API answer carries (no-store too on the auth routes)."""
    headers = dict(API_HEADERS)
    if path.startswith(NO_STORE_PREFIXES):
        headers.update(NO_STORE)
    return headers


def content_security_policy(host: str | None, s3_origins: Iterable[str] = ()) -> str:
    """The SPA's CSP. ``host`` (``app.example.com`` or ``127.0.0.1:8000``) adds its ws:/wss: origins (older
    browsers do not let 'self' cover WebSockets); ``s3_origins`` are the origins of presigned URLs."""
    s3 = " ".join(dict.fromkeys(o.rstrip("/") for o in s3_origins if o))
    sockets = f"ws://{host} wss://{host}" if host else ""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        # React style attributes and the emoji picker's injected <style>; no script can run from a style
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob: {s3}",
        "media-src": f"'self' data: blob: {s3}",
        "font-src": "'self' data:",
        "connect-src": f"'self' {sockets} {s3}",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {' '.join(value.split())}" for name, value in directives.items())


def spa_headers(host: str | None, s3_origins: Iterable[str] = ()) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(host, s3_origins),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), geolocation=(), payment=()",
    }
