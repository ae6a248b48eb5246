"""Phone numbers as E.164 strings (``+5511912345678``), parsed with ``phonenumbers`` (default region BR)."""
from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "BR"


def to_e164(raw: str | None, region: str = DEFAULT_REGION) -> str | None:
    """E.164 form of a number typed by a person or carried in a JID; None when it is not a possible number."""
    if not raw:
        return None
    text = raw.strip()
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def from_jid(jid: str | None) -> str | None:
    """E.164 of a phone-number JID (``5511912345678@s.whatsapp.net``, optional ``:device``); None otherwise.

    A JID always carries the full international number, so its digits are parsed with a leading ``+``.
    LIDs (``@lid``), groups (``@g.us``) and broadcasts have no phone number.
    """
    if not jid or not jid.endswith("@s.whatsapp.net"):
        return None
    user = jid.split("@", 1)[0].split(":", 1)[0]
    if not user.isdigit():
        return None
    return to_e164("+" + user)


def to_jid(e164: str) -> str:
    """The phone-number JID of an E.164 number."""
    return e164.lstrip("+") + "@s.whatsapp.net"
