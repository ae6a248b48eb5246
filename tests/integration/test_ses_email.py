"""The SES adapter of the Email port against moto over HTTP (SES API v2)."""

from __future__ import annotations

import pytest

from alrea.ports.email import MailRefused, OutgoingMail

SENDER = "ALREA Flow <nao-responda@alrea.example.com>"
MAIL = OutgoingMail(to="cliente@example.com", subject="Redefinição de senha", text="Olá!\nhttps://x/y?token=1",
                    html="<p>Olá!</p>", kind="reset_password")


@pytest.fixture
def ses(aws):
    from alrea.adapters.aws.clients import client

    return client("sesv2")


def sent_last_24h() -> float:
    from alrea.adapters.aws.clients import client

    return client("ses").get_send_quota()["SentLast24Hours"]


def test_ses_sends_text_and_html_through_the_configuration_set(ses):
    from alrea.adapters.aws.ses import SesEmail

    ses.create_email_identity(EmailIdentity="alrea.example.com")
    ses.create_configuration_set(ConfigurationSetName="alrea-mail")
    before = sent_last_24h()
    message_id = SesEmail(SENDER, "alrea-mail").send(MAIL)
    assert message_id
    assert sent_last_24h() == before + 1


def test_an_unverified_sender_is_refused_as_mail_refused(ses):
    from alrea.adapters.aws.ses import SesEmail

    with pytest.raises(MailRefused):
        SesEmail("ALREA Flow <nao-responda@nao-verificado.example.com>").send(MAIL)


def test_the_wiring_picks_ses_when_configured(aws, monkeypatch):
    from alrea import wiring
    from alrea.adapters.aws.ses import SesEmail
    from alrea.core.config import reset_settings

    monkeypatch.setenv("ALREA_EMAIL", "ses")
    monkeypatch.setenv("ALREA_SES_CONFIGURATION_SET", "alrea-mail")
    reset_settings()
    try:
        built = wiring.build_email()
    finally:
        monkeypatch.delenv("ALREA_EMAIL")
        reset_settings()
    assert isinstance(built, SesEmail) and built.configuration_set == "alrea-mail"
