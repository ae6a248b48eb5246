"""Media URLs on the real local path (`alrea dev`'s runtime on moto over HTTP, the Evolution simulator):

- the messages list carries, for a stored file, a SigV4 presigned GET (X-Amz-Algorithm / X-Amz-Signature,
  never SigV2's AWSAccessKeyId) that serves the bytes; GET /api/media answers the same for a pushed message
  and 404 for another tenant;
- the bucket answers the browser's CORS preflight of a presigned PUT (Origin + Access-Control-Request-Method:
  PUT + Access-Control-Request-Headers: content-type) from the SPA's origin, refuses a foreign origin, and the
  PUT with the signed Content-Type succeeds (moto does not verify SigV4 signatures, so a mismatched
  Content-Type is refused only by real S3);
- an uploaded audio sent with ``ptt`` goes out through Evolution's sendWhatsAppAudio as a voice note, a PDF
  through sendMedia with its file name.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import httpx
# the same local runtime, demo login and second tenant as the media pipeline tests (one runtime per module)
from test_media import bearer, conversation_of, demo, http, inject, local, other, phone, wait_for  # noqa: F401 - fixtures

SPA_ORIGIN = "http://localhost:8000"




def assert_sigv4(url: str) -> dict[str, list[str]]:
    query = parse_qs(urlparse(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"], url
    assert query.get("X-Amz-Signature") and query.get("X-Amz-Credential") and query.get("X-Amz-Expires"), url
    assert "AWSAccessKeyId" not in query and "Signature" not in query, url
    return query


def test_the_messages_list_carries_a_sigv4_url_for_stored_media(local, http, demo, other):
    from alrea.simulator.payloads import png

    sender = phone()
    wamid = inject(local, sender, image=True, caption="Foto do pedido")
    cid = conversation_of(demo, sender)

    def stored_message():
        r = http.get(f"/api/conversations/{cid}/messages", headers=demo["headers"])
        found = [m for m in r.json().get("items", [])] if r.status_code == 200 else []
        return next((m for m in found if m["id"] == wamid and m.get("media_key")), None)

    message = wait_for(stored_message, what="the image downloaded into S3")
    url = message["media"]["url"]
    query = assert_sigv4(url)
    assert query["X-Amz-Expires"] == ["300"] and message["media"]["url_expires_at"]
    assert f"/{message['media_key']}?" in url
    served = httpx.get(url, timeout=10)
    assert served.status_code == 200 and served.content == png()
    assert served.headers["content-type"] == "image/png"

    # what the SPA asks when a pushed message_updated has no url yet: the same kind of URL
    answer = http.get(f"/api/media/{cid}/{wamid}", headers=demo["headers"])
    assert answer.status_code == 200, answer.text
    assert_sigv4(answer.json()["url"])
    assert httpx.get(answer.json()["url"], timeout=10).content == png()

    # another tenant: 404 for the file and for the list, no URL anywhere
    for probe in (f"/api/media/{cid}/{wamid}", f"/api/conversations/{cid}/messages"):
        refused = http.get(probe, headers=other["headers"])
        assert refused.status_code == 404, (probe, refused.text)
        assert refused.json()["message"] and "X-Amz" not in refused.text


def test_a_message_without_a_file_has_no_url(local, http, demo):
    sender = phone()
    wamid = inject(local, sender, text="Sem anexo")
    cid = conversation_of(demo, sender)
    message = wait_for(lambda: next((m for m in (http.get(f"/api/conversations/{cid}/messages",
                                                          headers=demo["headers"]).json().get("items") or [])
                                     if m["id"] == wamid), None), what="the text stored")
    assert message["media"] is None and message["media_key"] is None


def test_the_bucket_answers_the_browser_preflight_and_the_signed_put(local, http, demo):
    sender = phone()
    inject(local, sender, text="Vou mandar um arquivo")
    cid = conversation_of(demo, sender)
    wait_for(lambda: http.get(f"/api/conversations/{cid}", headers=demo["headers"]).status_code == 200,
             what="the conversation stored")
    ticket = http.post(f"/api/conversations/{cid}/uploads", headers=demo["headers"],
                       json={"file_name": "proposta.pdf", "mimetype": "application/pdf", "size": 12})
    assert ticket.status_code == 201, ticket.text
    upload_url = ticket.json()["upload_url"]
    query = assert_sigv4(upload_url)
    assert "content-type" in query["X-Amz-SignedHeaders"][0].split(";")
    assert ticket.json()["headers"] == {"Content-Type": "application/pdf"}

    # the browser's preflight, from the SPA's origin (the local runtime's own URL is allowed too)
    for origin in (SPA_ORIGIN, local.base_url):
        preflight = httpx.options(upload_url, headers={
            "Origin": origin, "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type"}, timeout=10)
        assert preflight.status_code == 200, preflight.text
        assert preflight.headers["access-control-allow-origin"] == origin
        assert "PUT" in preflight.headers["access-control-allow-methods"]
        assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
    # a site that is not ours gets no CORS grant
    foreign = httpx.options(upload_url, timeout=10, headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type"})
    assert "access-control-allow-origin" not in foreign.headers or foreign.status_code >= 400

    pdf = b"%PDF-1.4\n%%EOF"
    put = httpx.put(upload_url, content=pdf,
                    headers={"Content-Type": "application/pdf", "Origin": SPA_ORIGIN})
    assert put.status_code == 200, put.text
    assert put.headers["access-control-allow-origin"] == SPA_ORIGIN
    assert "etag" in put.headers.get("access-control-expose-headers", "").lower()
    assert local.runtime.storage.get(ticket.json()["key"]) == pdf

    # sent: sendMedia with the file name; the bubble's own file has a URL in the list
    sent = http.post(f"/api/conversations/{cid}/messages", headers=demo["headers"], json={"media": {
        "key": ticket.json()["key"], "mimetype": "application/pdf", "file_name": "proposta.pdf"}})
    assert sent.status_code == 202, sent.text
    record = wait_for(lambda: next((s for s in httpx.get(f"{local.simulator_url}/_sim/sent").json()
                                    if s["number"] == sender and s["mediatype"] == "document"), None),
                      what="the PDF sent through sendMedia")
    assert record["file_name"] == "proposta.pdf" and record["bytes"] == len(pdf)
    listed = http.get(f"/api/conversations/{cid}/messages", headers=demo["headers"]).json()["items"]
    mine = next(m for m in listed if m["id"] == sent.json()["id"])
    assert httpx.get(mine["media"]["url"], timeout=10).content == pdf
    # asked by our UUID (an inbox send has no WhatsApp pointer under it)
    by_id = http.get(f"/api/media/{cid}/{mine['id']}", headers=demo["headers"])
    assert by_id.status_code == 200 and by_id.json()["file_name"] == "proposta.pdf"


def test_a_recorded_audio_goes_out_as_a_voice_note(local, http, demo):
    sender = phone()
    inject(local, sender, text="Me manda um áudio")
    cid = conversation_of(demo, sender)
    wait_for(lambda: http.get(f"/api/conversations/{cid}", headers=demo["headers"]).status_code == 200,
             what="the conversation stored")
    voice = b"\x1aE\xdf\xa3" + b"\x00" * 64  # a WebM header, as MediaRecorder writes it
    ticket = http.post(f"/api/conversations/{cid}/uploads", headers=demo["headers"],
                       json={"file_name": "voz.webm", "mimetype": "audio/webm", "size": len(voice)}).json()
    assert httpx.put(ticket["upload_url"], content=voice, headers=ticket["headers"]).status_code == 200

    # ptt only makes sense for an audio
    refused = http.post(f"/api/conversations/{cid}/messages", headers=demo["headers"], json={"media": {
        "key": ticket["key"], "mimetype": "application/pdf", "file_name": "x.pdf", "ptt": True}})
    assert refused.status_code == 422
    assert refused.json()["message"] == "Só um áudio pode ser enviado como mensagem de voz."

    sent = http.post(f"/api/conversations/{cid}/messages", headers=demo["headers"], json={"media": {
        "key": ticket["key"], "mimetype": "audio/webm", "file_name": "voz.webm", "ptt": True}})
    assert sent.status_code == 202, sent.text
    assert sent.json()["kind"] == "audio" and sent.json()["media"]["ptt"] is True
    record = wait_for(lambda: next((s for s in httpx.get(f"{local.simulator_url}/_sim/sent").json()
                                    if s["number"] == sender and s["type"] == "audioMessage"), None),
                      what="the voice note sent through sendWhatsAppAudio")
    assert record["ptt"] is True and record["bytes"] == len(voice)
    status = wait_for(lambda: next((m["status"] for m in http.get(
        f"/api/conversations/{cid}/messages", headers=demo["headers"]).json()["items"]
        if m["id"] == sent.json()["id"] and m["status"] != "pending"), None), what="the send settled")
    assert status in ("sent", "delivered", "read", "played")


def test_a_failed_download_is_marked_and_can_be_retried(local, http, demo, other):
    """WhatsApp no longer has the file (getBase64 answers 400): the message says so, and a retry queues it."""
    sender = phone()
    wamid = inject(local, sender, image=True, caption="Foto antiga", media_expired=True)
    cid = conversation_of(demo, sender)

    def listed():
        r = http.get(f"/api/conversations/{cid}/messages", headers=demo["headers"])
        return next((m for m in r.json().get("items", []) if m["id"] == wamid), None) \
            if r.status_code == 200 else None

    failed = wait_for(lambda: (m := listed()) and m.get("media_error") and m,
                      what="the download marked failed")
    assert failed["media_error"] == "Não foi possível baixar a mídia do WhatsApp."
    assert failed["media_key"] is None and "url" not in failed["media"]
    assert http.get(f"/api/media/{cid}/{wamid}", headers=demo["headers"]).status_code == 404

    # another tenant cannot retry it (404), the caller can: the error is cleared and the job queued again
    assert http.post(f"/api/media/{cid}/{wamid}/retry", headers=other["headers"]).status_code == 404
    retried = http.post(f"/api/media/{cid}/{wamid}/retry", headers=demo["headers"])
    assert retried.status_code == 202, retried.text
    assert retried.json()["media_error"] is None
    # still gone at WhatsApp: the job fails again and says so
    wait_for(lambda: (m := listed()) and m.get("media_error"), what="the retried download failed again")

    # a stored file has nothing to retry
    stored_sender = phone()
    stored = inject(local, stored_sender, image=True)
    stored_cid = conversation_of(demo, stored_sender)
    stored_url = f"/api/media/{stored_cid}/{stored}"
    wait_for(lambda: http.get(stored_url, headers=demo["headers"]).status_code == 200, what="the image stored")
    conflict = http.post(f"/api/media/{stored_cid}/{stored}/retry", headers=demo["headers"])
    assert conflict.status_code == 409 and conflict.json()["message"]
