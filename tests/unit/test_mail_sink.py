"""The local mail sink (the Email port for alrea dev and the tests), the pt-BR templates, and the gateway's
/dev/mail pages."""
from __future__ import annotations

from starlette.testclient import TestClient

from alrea.adapters.memory.mail import MailSink
from alrea.local.gateway import Gateway
from alrea.local.sockets import LocalSender
from alrea.ports.email import OutgoingMail
from alrea.services import mail


def outgoing(to: str = "ana@example.com", subject: str = "Olá", text: str = "corpo") -> OutgoingMail:
    return OutgoingMail(to=to, subject=subject, text=text, html=f"<p>{text}</p>", kind="test")


def test_the_sink_keeps_messages_newest_first_up_to_its_capacity():
    sink = MailSink(capacity=3)
    ids = [sink.send(outgoing(to=f"u{i}@example.com", subject=f"m{i}")) for i in range(4)]
    assert [m.subject for m in sink.messages()] == ["m3", "m2", "m1"]
    assert [m.id for m in sink.messages("U2@example.com")] == [ids[2]]
    assert sink.get(ids[0]) is None and sink.get(ids[3]).subject == "m3"
    sink.clear()
    assert sink.messages() == []


def test_a_template_renders_text_and_escaped_html_from_the_same_parts():
    template = mail.invitation("Caio <b>", "Padaria & Cia", "Ana", "atendente")
    out = mail.render(template, "caio@example.com", "https://app.example.com/aceitar-convite?token=abc&x=1")
    assert out.subject == "Ana convidou você para a Padaria & Cia no ALREA Flow"
    assert "Olá, Caio <b>!" in out.text
    assert "Aceitar convite: https://app.example.com/aceitar-convite?token=abc&x=1" in out.text
    assert "Caio &lt;b&gt;" in out.html and "Padaria &amp; Cia" in out.html and "<b>!" not in out.html
    assert 'href="https://app.example.com/aceitar-convite?token=abc&amp;x=1"' in out.html
    assert out.kind == "invitation"


def test_a_template_without_an_action_has_no_link():
    out = mail.render(mail.password_changed("Ana"), "ana@example.com")
    assert "http" not in out.text and "<a " not in out.html


def gateway(sink: MailSink | None) -> TestClient:
    return TestClient(Gateway([], lambda fn, event: None, LocalSender(), spa_dir=None, mail=sink).app)


def test_the_gateway_lists_the_sink_as_html_and_json_and_shows_one_message():
    sink = MailSink()
    first = sink.send(outgoing(subject="<script>x</script>", text="Abra https://app.test/verificar-email?token=t1 já"))
    sink.send(outgoing(to="bia@example.com", subject="Outro"))
    http = gateway(sink)

    page = http.get("/dev/mail")
    assert page.status_code == 200 and "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text
    assert '<a href="https://app.test/verificar-email?token=t1">' in page.text
    assert page.text.index("Outro") < page.text.index("&lt;script&gt;")  # newest first

    listed = http.get("/dev/mail.json", params={"to": "ana@example.com"}).json()["items"]
    assert [m["id"] for m in listed] == [first]
    one = http.get(f"/dev/mail/{first}")
    assert one.status_code == 200 and one.text.startswith("<p>Abra")
    assert http.get("/dev/mail/nope").status_code == 404


def test_without_a_sink_the_gateway_has_no_mail_pages():
    assert gateway(None).get("/dev/mail.json").status_code == 404
