"""Media both ways in the inbox, in Chromium against the real `alrea dev`:

(a) a customer sends a photo, a PDF and a voice note (through the Evolution simulator): the photo shows as an
    image that really loaded (from its presigned S3 URL) and opens in a lightbox with a download; the PDF
    shows its name, size and a download; the voice note an audio player; a file WhatsApp no longer has says
    so, with a retry;
(b) the agent attaches a PDF (upload to the presigned PUT with progress, then sendMedia) and records a voice
    note with the browser's (fake) microphone (MediaRecorder → upload → sendWhatsAppAudio as a PTT); the
    simulator receives both and the bubbles show in the chat; an upload refused by storage shows a clear
    error.
"""
from __future__ import annotations

import base64
import re
import time
import uuid

import pytest
from playwright.sync_api import Page, expect
from browsing import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, shot as _shot
from test_inbox import LIVE_TIMEOUT_MS, conversation_row, new_phone, sign_in

from alrea.simulator.payloads import png

pytestmark = pytest.mark.e2e

FAKE_MIC_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + b"%" * 2048


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="inbox-media")


def wait_sent(platform, accept, what: str, timeout_s: float = 20) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        found = [s for s in platform.sent() if accept(s)]
        if found:
            return found[-1]
        assert time.monotonic() < deadline, f"the simulator never received {what}: {platform.sent()[-5:]}"
        time.sleep(0.2)


def loaded(locator) -> bool:
    """The <img> finished loading real pixels (not a broken image)."""
    return locator.evaluate("img => img.complete && img.naturalWidth > 0")


def open_pending(page: Page, platform, customer: str, phone: str, first_text: str):
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Pendentes").click()
    platform.inject(phone, first_text, push_name=customer)
    row = conversation_row(page, customer)
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    row.click()
    chat = page.get_by_test_id("chat-pane")
    expect(chat.get_by_test_id("chat-title")).to_have_text(customer)
    return chat


def test_received_photo_document_and_voice_note_render(page: Page, platform, page_errors):
    customer = f"Cliente Mídia {uuid.uuid4().hex[:6]}"
    phone = new_phone()
    sign_in(page, platform.agent_email, platform.password)
    chat = open_pending(page, platform, customer, phone, "Oi! Vou mandar a foto do defeito.")

    photo = png(480, 300, (37, 99, 235))
    platform.inject(phone, "", push_name=customer, caption="Foto do defeito",
                    media={"type": "image", "base64": base64.b64encode(photo).decode(),
                           "mimetype": "image/png"})
    platform.inject(phone, "", push_name=customer, media={
        "type": "document", "base64": base64.b64encode(PDF).decode(), "mimetype": "application/pdf",
        "file_name": "nota-fiscal-123.pdf"})
    platform.inject(phone, "", push_name=customer, media={
        "type": "ptt", "base64": base64.b64encode(b"OggS" + b"\x00" * 512).decode()})

    # the photo: first a clear placeholder or the image itself (the download job may already be done) ...
    image_bubble = chat.locator("[data-testid=message-bubble][data-kind=image]")
    expect(image_bubble).to_have_count(1, timeout=LIVE_TIMEOUT_MS)
    expect(image_bubble).to_contain_text("Foto do defeito")
    # ... then the image, pushed when the file is stored, loaded from its presigned URL
    image = image_bubble.get_by_test_id("media-image")
    expect(image).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    deadline = time.monotonic() + 20
    while not loaded(image):
        assert time.monotonic() < deadline, "the image never loaded"
        time.sleep(0.2)
    assert image.evaluate("img => img.naturalWidth") == 480
    assert "X-Amz-Signature=" in image.get_attribute("src")
    expect(image_bubble.get_by_test_id("media-loading")).to_have_count(0)

    # the document: name, size, download link
    document = chat.locator("[data-testid=message-bubble][data-kind=document]")
    expect(document.get_by_test_id("document-name")).to_have_text("nota-fiscal-123.pdf",
                                                                   timeout=LIVE_TIMEOUT_MS)
    expect(document.get_by_test_id("media-document")).to_contain_text("KB")
    expect(document.get_by_test_id("document-download")).to_have_attribute("href", presigned(),
                                                                           timeout=LIVE_TIMEOUT_MS)

    # the voice note: labelled, with a player whose source is the stored file
    voice = chat.locator("[data-testid=message-bubble][data-kind=audio]")
    expect(voice.get_by_test_id("voice-note")).to_have_text("Mensagem de voz", timeout=LIVE_TIMEOUT_MS)
    expect(voice.get_by_test_id("audio-player")).to_have_attribute("src", presigned(),
                                                                    timeout=LIVE_TIMEOUT_MS)
    shot(page, "a1-received-media")

    # the lightbox: the full image and a download
    image.click()
    lightbox = page.get_by_test_id("lightbox")
    expect(lightbox).to_be_visible()
    expect(lightbox).to_contain_text("Foto do defeito")
    big = lightbox.get_by_test_id("lightbox-image")
    expect(big).to_be_visible()
    deadline = time.monotonic() + 10
    while not loaded(big):
        assert time.monotonic() < deadline, "the lightbox image never loaded"
        time.sleep(0.1)
    expect(lightbox.get_by_test_id("lightbox-download")).to_have_attribute("href", presigned())
    shot(page, "a2-lightbox")
    page.keyboard.press("Escape")
    expect(lightbox).to_have_count(0)

    # a photo WhatsApp no longer has: a clear failure with a retry (which fails again, clearly)
    platform.inject(phone, "", push_name=customer, caption="Foto antiga", image=True, media_expired=True)
    old = chat.locator("[data-testid=message-bubble][data-kind=image]").filter(has_text="Foto antiga")
    failure = old.get_by_test_id("media-failed")
    expect(failure).to_contain_text("Não foi possível baixar a imagem.", timeout=LIVE_TIMEOUT_MS)
    with page.expect_response(lambda r: r.url.endswith("/retry") and r.request.method == "POST") as answer:
        failure.get_by_role("button", name="Tentar novamente").click()
    assert answer.value.status == 202
    expect(old.get_by_test_id("media-failed")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    old.scroll_into_view_if_needed()
    shot(page, "a3-download-failed")
    assert page_errors == []


def presigned():
    """A presigned SigV4 S3 URL (what the SPA gets for a stored file)."""
    return re.compile(r"^http://127\.0\.0\.1:\d+/.+X-Amz-Algorithm=AWS4-HMAC-SHA256.+X-Amz-Signature=")


@pytest.fixture
def mic_page(browser, platform):
    """A page of a Chromium with a fake microphone (a beep), microphone allowed."""
    ARTIFACTS.mkdir(exist_ok=True)
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + FAKE_MIC_ARGS,
                                           headless=True)
    context = chromium.new_context(base_url=platform.base_url, locale="pt-BR", permissions=["microphone"],
                                   viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page, errors
    try:
        page.screenshot(path=str(ARTIFACTS / "inbox-media-mic-last.png"), full_page=True)
    finally:
        context.close()
        chromium.close()


def test_agent_sends_a_pdf_and_a_voice_note(mic_page, platform):
    page, page_errors = mic_page
    customer = f"Cliente Envio {uuid.uuid4().hex[:6]}"
    phone = new_phone()
    sign_in(page, platform.agent_email, platform.password)
    chat = open_pending(page, platform, customer, phone, "Pode me mandar a proposta?")
    chat.get_by_role("button", name="Assumir").click()
    expect(page.get_by_test_id("contact-assignee")).to_have_text("Alice Atendente")

    # storage refuses the upload: a clear error, nothing sent
    def refuse_put(route):
        if route.request.method == "PUT":
            route.fulfill(status=403, body="AccessDenied", headers={"Access-Control-Allow-Origin": "*"})
        else:
            route.continue_()

    page.route(re.compile(r"/outbox/"), refuse_put)
    sent_before = len(platform.sent())
    chat.get_by_test_id("attachment-input").set_input_files(
        files=[{"name": "recusado.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    error = chat.get_by_test_id("upload-error")
    expect(error).to_contain_text("Não foi possível enviar o arquivo.")
    expect(error).to_contain_text("recusado.pdf")
    shot(page, "b1-upload-refused")
    page.unroute(re.compile(r"/outbox/"))
    error.get_by_role("button", name="Fechar aviso").click()
    expect(error).to_have_count(0)
    assert chat.locator("[data-testid=message-bubble]").filter(has_text="recusado.pdf").count() == 0
    assert len(platform.sent()) == sent_before

    # a PDF from the file picker: uploaded to the presigned PUT, then sent
    file_name = f"proposta-{uuid.uuid4().hex[:6]}.pdf"
    chat.get_by_test_id("attachment-input").set_input_files(
        files=[{"name": file_name, "mimeType": "application/pdf", "buffer": PDF}])
    document = chat.locator("[data-testid=message-bubble][data-kind=document]").filter(has_text=file_name)
    expect(document).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(document).to_have_attribute("data-direction", "out")
    expect(chat.get_by_test_id("upload-error")).to_have_count(0)
    expect(chat.get_by_test_id("upload-status")).to_have_count(0, timeout=LIVE_TIMEOUT_MS)
    record = wait_sent(platform, lambda s: s.get("file_name") == file_name, "the PDF")
    assert record["mediatype"] == "document" and record["type"] == "documentMessage"
    assert record["number"].endswith(phone[-8:]) and record["bytes"] == len(PDF), record
    expect(document.get_by_test_id("message-ticks")).not_to_have_attribute("data-status", "pending",
                                                                            timeout=LIVE_TIMEOUT_MS)
    expect(document.get_by_test_id("document-download")).to_have_attribute("href", presigned(),
                                                                           timeout=LIVE_TIMEOUT_MS)

    # a voice note from the (fake) microphone: timer, then send
    chat.get_by_role("button", name="Gravar mensagem de voz").click()
    recorder = chat.get_by_test_id("voice-recorder")
    expect(recorder).to_be_visible()
    expect(recorder).to_contain_text("Gravando mensagem de voz")
    expect(recorder.get_by_test_id("voice-timer")).to_have_text("0:02", timeout=LIVE_TIMEOUT_MS)
    shot(page, "b2-recording")
    recorder.get_by_role("button", name="Enviar mensagem de voz").click()
    expect(recorder).to_have_count(0)
    voice = chat.locator("[data-testid=message-bubble][data-kind=audio][data-direction=out]")
    expect(voice).to_have_count(1, timeout=LIVE_TIMEOUT_MS)
    expect(voice.get_by_test_id("voice-note")).to_have_text("Mensagem de voz")
    expect(voice.get_by_test_id("audio-player")).to_have_attribute("src", presigned(),
                                                                    timeout=LIVE_TIMEOUT_MS)
    ptt = wait_sent(platform, lambda s: s.get("type") == "audioMessage" and s["number"].endswith(phone[-8:]),
                    "the voice note")
    assert ptt["ptt"] is True and ptt["mediatype"] == "audio" and ptt["bytes"] > 1000, ptt
    expect(voice.get_by_test_id("message-ticks")).not_to_have_attribute("data-status", "pending",
                                                                         timeout=LIVE_TIMEOUT_MS)
    shot(page, "b3-sent-pdf-and-voice")

    # a recording can be cancelled: nothing is sent
    before = len(platform.sent())
    chat.get_by_role("button", name="Gravar mensagem de voz").click()
    expect(chat.get_by_test_id("voice-recorder")).to_be_visible()
    chat.get_by_role("button", name="Cancelar gravação").click()
    expect(chat.get_by_test_id("voice-recorder")).to_have_count(0)
    expect(voice).to_have_count(1)
    time.sleep(1)  # give a (wrong) send the time to show up; the assertion is on the count
    assert len(platform.sent()) == before
    assert page_errors == []
