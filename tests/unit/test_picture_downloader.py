"""The PictureDownloader port's httpx adapter: what it keeps, what it refuses (never retried) and what is
worth a retry — against an in-process transport, no network."""
from __future__ import annotations

import httpx
import pytest

from alrea.adapters.http_pictures import HttpxPictureDownloader
from alrea.ports.pictures import PictureRefused, PictureUnavailable

TYPES = {"image/jpeg": ".jpg", "image/png": ".png"}
PNG = b"\x89PNG\r\n\x1a\n" + b"x" * 100


def downloader(handler) -> HttpxPictureDownloader:
    return HttpxPictureDownloader(transport=httpx.MockTransport(handler))


def test_an_image_is_kept_with_its_content_type():
    got = downloader(lambda r: httpx.Response(200, content=PNG, headers={"content-type": "image/png; q=1"}))
    assert got.download("https://pps.whatsapp.net/a.png", types=TYPES, max_bytes=1000) == (PNG, "image/png")


@pytest.mark.parametrize("answer", [
    httpx.Response(302, headers={"location": "https://evil.example/x.png"}),
    httpx.Response(404), httpx.Response(410), httpx.Response(403),
    httpx.Response(200, content=b"<html>", headers={"content-type": "text/html"}),
    httpx.Response(200, content=PNG * 20, headers={"content-type": "image/png"}),
    httpx.Response(200, content=b"", headers={"content-type": "image/png"}),
], ids=["redirect", "404", "410", "403", "not-an-image", "too-large", "empty"])
def test_what_must_not_be_kept_is_refused(answer):
    with pytest.raises(PictureRefused):
        downloader(lambda r: answer).download("https://pps.whatsapp.net/a.png", types=TYPES, max_bytes=1000)


def test_server_errors_and_transport_failures_are_worth_a_retry():
    with pytest.raises(PictureUnavailable):
        downloader(lambda r: httpx.Response(503)).download("https://pps.whatsapp.net/a", types=TYPES, max_bytes=10)

    def broken(request):
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(PictureUnavailable):
        downloader(broken).download("https://pps.whatsapp.net/a", types=TYPES, max_bytes=10)
