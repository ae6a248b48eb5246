"""Amazon SES (API v2) behind the Email port: one ``SendEmail`` per message, plain text + HTML, through the
configuration set named in the settings (its event destination carries bounces and complaints; see
docs/DEPLOY.md "E-mail (SES)")."""
from __future__ import annotations

from botocore.exceptions import ClientError

from alrea.adapters.aws.clients import client
from alrea.core.log import logger
from alrea.ports.email import Email, MailRefused, OutgoingMail

REFUSED = frozenset({"MessageRejected", "MailFromDomainNotVerifiedException", "AccountSuspendedException",
                     "SendingPausedException", "BadRequestException", "NotFoundException"})


class SesEmail(Email):
    def __init__(self, sender: str, configuration_set: str = "") -> None:
        self.sender = sender
        self.configuration_set = configuration_set

    def send(self, mail: OutgoingMail) -> str:
        request = {
            "FromEmailAddress": self.sender,
            "Destination": {"ToAddresses": [mail.to]},
            "Content": {"Simple": {
                "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": mail.text, "Charset": "UTF-8"},
                         "Html": {"Data": mail.html, "Charset": "UTF-8"}},
            }},
            "EmailTags": [{"Name": "kind", "Value": mail.kind}],
        }
        if self.configuration_set:
            request["ConfigurationSetName"] = self.configuration_set
        try:
            answer = client("sesv2").send_email(**request)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in REFUSED:
                logger.warning("e-mail refused by SES", extra={"kind": mail.kind, "code": code})
                raise MailRefused(code) from exc
            raise
        return str(answer["MessageId"])
