"""Where the platform lets a customer's URL send traffic: outbound webhooks (we POST to it) and partners' media
URLs (Evolution downloads them). Both must be public: no loopback, private, link-local or reserved address,
checked on the URL and again on what its host name resolves to, unless the local-dev setting
(``ALREA_WEBHOOKS_ALLOW_PRIVATE``, refused on a deployed stage) allows private targets."""
from __future__ import annotations

from urllib.parse import urlsplit

from alrea.core.config import get_settings
from alrea.domain import webhooks as dom

NOT_PUBLIC = "O endereço não resolve para um IP público."


def problem(url: str) -> str | None:
    """Why ``url`` may not be reached (pt-BR), or None."""
    from alrea.wiring import webhook_sender

    allow_private = get_settings().webhooks_allow_private
    found = dom.url_problem(url, allow_private)
    if found is None and not allow_private:
        addresses = webhook_sender().resolve(urlsplit(url).hostname or "")
        if not addresses or not all(dom.address_allowed(a) for a in addresses):
            found = NOT_PUBLIC
    return found
