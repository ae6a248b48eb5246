"""A partner's media URL is downloaded by our Evolution server, so it must be a public https address: literal
private or loopback addresses, local names and names that resolve inside a private network are refused (422)
before anything is stored or queued (the same check outbound webhooks use, services/public_urls.py)."""
from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.usefixtures("roomy_partner_rate")


class Resolver:
    """DNS without network: the names the test knows."""

    ADDRESSES = {"cdn.example.com": ["93.184.216.34"], "intranet.example.com": ["10.0.0.5"],
                 "rebind.example.com": ["93.184.216.34", "127.0.0.1"]}

    def resolve(self, host: str) -> list[str]:
        return self.ADDRESSES.get(host, [])

    def post(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("nothing is posted here")


@pytest.mark.parametrize("url", ["https://127.0.0.1/a.jpg", "https://localhost/a.jpg", "https://[::1]/a.jpg",
                                 "https://169.254.169.254/latest/meta-data", "https://intranet.example.com/a.jpg",
                                 "https://rebind.example.com/a.jpg", "https://nowhere.example.com/a.jpg",
                                 "http://cdn.example.com/a.jpg", "https://user:pw@cdn.example.com/a.jpg"],
                         ids=["loopback", "localhost", "ipv6-loopback", "metadata", "private-dns", "mixed-dns",
                              "no-dns", "plain-http", "credentials"])
def test_media_urls_inside_a_private_network_are_refused(api_runtime, tenant_a, url):
    api_runtime.webhooks = Resolver()
    secret = tenant_a.post("/api/api-keys", {"name": "ERP", "scopes": ["messages:send"]}).json()["secret"]
    r = tenant_a.client.post("/v1/messages", headers={"Authorization": f"Bearer {secret}"},
                             json={"to": "+5511912345678", "media": {"kind": "image", "url": url}})
    assert r.status_code == 422 and r.json()["field"] == "media.url", r.text


def test_a_public_media_url_passes_the_check(api_runtime, tenant_a):
    api_runtime.webhooks = Resolver()
    secret = tenant_a.post("/api/api-keys", {"name": "ERP", "scopes": ["messages:send"]}).json()["secret"]
    r = tenant_a.client.post("/v1/messages", headers={"Authorization": f"Bearer {secret}"},
                             json={"to": "+5511912345678", "media": {"kind": "image",
                                                                     "url": "https://cdn.example.com/a.jpg"}})
    # past the URL check, the next thing missing is a connected number (the tenant has none)
    assert r.status_code == 409 and r.json()["error"] == "no_number", r.text
