"""Evolution webhook parsing (alrea.domain.evolution): every sample in events/evolution, every encoding."""
from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from alrea.domain import evolution as ev
from alrea.domain.messages import Kind, Status, preview, rank
from alrea.domain.phones import from_jid, to_e164

SAMPLES = Path(__file__).resolve().parents[2] / "events" / "evolution"
INSTANCE_UUID = "3f1c2a9e-7b4d-4e8a-9c2f-5d6e7a8b9c01"
MARIA = "5511912345678@s.whatsapp.net"


def sample(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def envelope(name: str) -> ev.Envelope:
    return ev.Envelope.model_validate(sample(name))


def message(name: str) -> ev.InboundMessage:
    env = envelope(name)
    return ev.parse_message(env.data, event=env.event)


# ---------------------------------------------------------------- scalars
def test_bytes_in_all_three_encodings_decode_to_the_same_value():
    raw = bytes([150, 186, 0, 255, 7])
    assert ev.decode_bytes({"0": 150, "1": 186, "2": 0, "3": 255, "4": 7}) == raw
    assert ev.decode_bytes({"3": 255, "0": 150, "4": 7, "1": 186, "2": 0}) == raw  # key order does not matter
    assert ev.decode_bytes(base64.b64encode(raw).decode()) == raw
    assert ev.decode_bytes(base64.b64encode(raw).decode().rstrip("=")) == raw
    assert ev.decode_bytes(list(raw)) == raw
    assert ev.decode_bytes({"type": "Buffer", "data": list(raw)}) == raw
    assert ev.decode_bytes(None) is None
    with pytest.raises(ev.InvalidPayload):
        ev.decode_bytes({"a": 1})


def test_longs_in_all_encodings():
    assert ev.decode_long(184532) == 184532
    assert ev.decode_long("439195") == 439195
    assert ev.decode_long({"low": 262748, "high": 0, "unsigned": True}) == 262748
    # stickerSentTs {low:1416137717, high:410} = 410 * 2^32 + 1416137717
    assert ev.decode_long({"low": 1416137717, "high": 410, "unsigned": False}) == 410 * 2**32 + 1416137717
    # a negative low word is the unsigned 32-bit value (JS ints are signed)
    assert ev.decode_long({"low": -1, "high": 0, "unsigned": True}) == 2**32 - 1
    assert ev.decode_long({"low": -1, "high": -1, "unsigned": False}) == -1
    assert ev.decode_long(None) is None
    with pytest.raises(ev.InvalidPayload):
        ev.decode_long("not-a-number")


def test_message_time_is_message_timestamp_never_date_time():
    raw = sample("messages.upsert.text-inbound")
    assert raw["date_time"] == "2025-11-05T11:15:30.204Z"  # Sao Paulo wall clock with a Z
    msg = ev.parse_message(raw["data"])
    assert msg.timestamp == datetime(2025, 11, 5, 14, 15, 30, tzinfo=UTC)
    raw["data"]["messageTimestamp"] = {"low": 1762352130, "high": 0, "unsigned": False}
    assert ev.parse_message(raw["data"]).timestamp == datetime(2025, 11, 5, 14, 15, 30, tzinfo=UTC)
    raw["data"]["messageTimestamp"] = "1762352130"
    assert ev.parse_message(raw["data"]).timestamp == datetime(2025, 11, 5, 14, 15, 30, tzinfo=UTC)
    del raw["data"]["messageTimestamp"]
    assert ev.parse_message(raw["data"]).timestamp is None  # the processor falls back to its receive time


# ---------------------------------------------------------------- envelope and event names
@pytest.mark.parametrize("name", ["messages.upsert", "MESSAGES_UPSERT", "messages-upsert", " Messages.Upsert "])
def test_event_names_normalise(name):
    assert ev.normalise_event(name) == "messages.upsert"


def test_event_suffix_forms_of_dashed_events():
    assert ev.normalise_event("group-participants-update") == "group-participants.update"
    assert ev.normalise_event("send-message") == "send.message"
    assert ev.normalise_event("qrcode-updated") == "qrcode.updated"


def test_unknown_events_and_null_data_are_tolerated():
    assert envelope("unknown-event").event == "labels.association"
    assert "labels.association" not in ev.HANDLED_EVENTS
    env = envelope("remove.instance.data-null")
    assert env.data is None and env.event == "remove.instance"
    assert ev.chat_key(env.event, env.data) == ev.INSTANCE_CHAT
    assert envelope("error-webhook.global-errors").instance is None


def test_every_sample_is_an_envelope():
    names = sorted(p.stem for p in SAMPLES.glob("*.json"))
    assert len(names) >= 33
    for name in names:
        env = envelope(name)
        assert env.event == env.event.lower()


# ---------------------------------------------------------------- message content
def test_inbound_text_pn_addressed():
    msg = message("messages.upsert.text-inbound")
    assert msg.model_dump(exclude={"timestamp"}) == {
        "wamid": "AC3F9B1E2D4C5A6B7C8D9E0F1A2B3C4D",
        "chat": {"jid": MARIA, "is_group": False, "phone": "+5511912345678", "lid": "178943561234567@lid",
                 "name": None},
        "from_me": False, "kind": Kind.TEXT, "message_type": "conversation",
        "text": "Hi! Are you open tomorrow morning? 🙂", "media": None, "location": None, "contacts": [],
        "reaction": None, "quoted_id": None, "quoted_text": None, "author_jid": None, "author_phone": None,
        "push_name": "Maria Souza", "status": Status.DELIVERED, "source": "android",
    }
    assert msg.direction == "in"
    assert msg.chat.contact_key == "+5511912345678"


def test_outbound_typed_on_the_phone():
    msg = message("messages.upsert.text-outbound-fromMe")
    assert (msg.from_me, msg.direction, msg.status, msg.text) == (True, "out", Status.SENT, "Yes, from 9am to 6pm.")
    assert msg.chat.jid == MARIA


def test_send_message_echo_is_outbound_and_pending():
    msg = message("send.message.text")
    assert (msg.wamid, msg.from_me, msg.status, msg.kind) == ("3EB0A1B2C3D4E5F6A7B8C9", True, Status.PENDING,
                                                              Kind.TEXT)
    assert msg.text == "Your order #1042 has shipped."
    assert msg.quoted_id is None  # contextInfo without stanzaId


def test_image_with_caption():
    msg = message("messages.upsert.image-caption")
    assert msg.kind is Kind.IMAGE and msg.text == "Here is the receipt"
    assert msg.media.model_dump(exclude_none=True) == {"mimetype": "image/jpeg", "size": 184532, "width": 1200,
                                                       "height": 1600}


def test_voice_note():
    msg = message("messages.upsert.audio-ptt")
    assert msg.kind is Kind.AUDIO and msg.text is None
    assert msg.media.model_dump(exclude_none=True) == {"mimetype": "audio/ogg; codecs=opus", "size": 23817,
                                                       "seconds": 9, "ptt": True}


def test_document_after_message_context_info():
    raw = sample("messages.upsert.document")
    assert list(raw["data"]["message"])[0] == "messageContextInfo"
    msg = message("messages.upsert.document")
    assert msg.kind is Kind.DOCUMENT and msg.text == "Invoice attached"
    assert msg.media.file_name == "invoice-2025-11.pdf" and msg.media.size == 248113
    assert msg.media.page_count == 2 and msg.media.mimetype == "application/pdf"


def test_content_key_skips_context_and_sender_key_even_without_message_type():
    data = copy.deepcopy(sample("messages.upsert.group-text")["data"])
    assert list(data["message"])[0] == "senderKeyDistributionMessage"
    del data["messageType"]
    msg = ev.parse_message(data)
    assert msg.kind is Kind.TEXT and msg.text == "Meeting moved to 3pm, everyone ok?"


def test_sticker_location_contact_card():
    sticker = message("messages.upsert.sticker")
    assert sticker.kind is Kind.STICKER
    assert sticker.media.model_dump(exclude_none=True) == {"mimetype": "image/webp", "size": 21454, "width": 512,
                                                           "height": 512}
    location = message("messages.upsert.location")
    assert location.kind is Kind.LOCATION
    assert location.location.model_dump() == {"latitude": -23.561414, "longitude": -46.655881,
                                              "name": "Av. Paulista, 1578", "address": "Bela Vista, São Paulo - SP"}
    card = message("messages.upsert.contact-card")
    assert card.kind is Kind.CONTACT and card.text == "Pedro Alves"
    assert card.contacts[0].display_name == "Pedro Alves" and card.contacts[0].phones == ["+5511933332222"]


def test_contacts_array_message():
    data = copy.deepcopy(sample("messages.upsert.contact-card")["data"])
    card = data["message"].pop("contactMessage")
    data["message"]["contactsArrayMessage"] = {"displayName": "2 contatos", "contacts": [card, card]}
    data["messageType"] = "contactsArrayMessage"
    msg = ev.parse_message(data)
    assert msg.kind is Kind.CONTACT and len(msg.contacts) == 2 and msg.text == "2 contatos"


def test_reaction_and_its_removal():
    msg = message("messages.upsert.reaction")
    assert msg.kind is Kind.REACTION
    assert msg.reaction.model_dump() == {"target_id": "3EB0A1B2C3D4E5F6A7B8C9", "emoji": "👍"}
    data = copy.deepcopy(sample("messages.upsert.reaction")["data"])
    data["message"]["reactionMessage"]["text"] = ""
    assert ev.parse_message(data).reaction.emoji == ""


def test_legacy_encodings_video_with_quote():
    msg = message("messages.upsert.video-legacy-encoding.v2.3.2")
    assert msg.kind is Kind.VIDEO and msg.text == "Olha o vídeo do pedido"
    assert msg.media.size == 1048576 and msg.media.seconds == 14
    assert msg.quoted_id == "3EB0A1B2C3D4E5F6A7B8C9"  # contextInfo inside the content
    assert msg.quoted_text == "Your order #1042 has shipped."  # what the bubble shows of the quoted message
    assert msg.timestamp == datetime.fromtimestamp(1762353102, UTC)


def test_quoted_id_from_hoisted_context_info():
    data = copy.deepcopy(sample("messages.upsert.text-inbound")["data"])
    data["contextInfo"] = {"stanzaId": "3EB0A1B2C3D4E5F6A7B8C9", "participant": "5511987650000@s.whatsapp.net"}
    assert ev.parse_message(data).quoted_id == "3EB0A1B2C3D4E5F6A7B8C9"
    data["contextInfo"]["quotedMessage"] = {"imageMessage": {"mimetype": "image/jpeg"}}
    assert ev.parse_message(data).quoted_text == "Imagem"  # a quoted image without caption: its kind


def test_extended_text_and_wrapped_and_unknown_content():
    data = copy.deepcopy(sample("messages.upsert.text-inbound")["data"])
    data["message"] = {"extendedTextMessage": {"text": "https://example.com", "contextInfo": {"stanzaId": "X1"}}}
    data["messageType"] = "extendedTextMessage"
    msg = ev.parse_message(data)
    assert (msg.kind, msg.text, msg.quoted_id) == (Kind.TEXT, "https://example.com", "X1")
    data["message"] = {"ephemeralMessage": {"message": {"conversation": "some secret"}}}
    data["messageType"] = "ephemeralMessage"
    assert ev.parse_message(data).text == "some secret"
    data["message"] = {"pollCreationMessageV3": {"name": "Lunch?"}}
    data["messageType"] = "pollCreationMessageV3"
    assert ev.parse_message(data).kind is Kind.UNKNOWN


# ---------------------------------------------------------------- chat identity
def test_lid_with_phone_alternative_keys_the_chat_by_phone():
    msg = message("messages.upsert.lid.v2.3.6")
    assert msg.chat.model_dump() == {"jid": "5585993074699@s.whatsapp.net", "is_group": False,
                                     "phone": "+5585993074699", "lid": "76201477542116@lid", "name": None}


def test_unresolved_lid_keeps_the_lid_as_contact_key():
    msg = message("messages.upsert.lid-unresolved")
    assert msg.chat.phone is None
    assert msg.chat.jid == msg.chat.contact_key == msg.chat.lid == "25151362101280@lid"


def test_group_author_from_participant_alt():
    msg = message("messages.upsert.group-text")
    assert msg.chat.is_group and msg.chat.jid == "120363298765432101@g.us" and msg.chat.contact_key is None
    assert (msg.author_jid, msg.author_phone, msg.push_name) == ("218734561234567@lid", "+5511955554444",
                                                                 "Carlos Lima")
    data = copy.deepcopy(sample("messages.upsert.group-text")["data"])
    data["key"].pop("participantAlt")
    data["key"]["participant"] = "5511955554444:3@s.whatsapp.net"
    assert ev.parse_message(data).author_phone == "+5511955554444"


def test_device_suffix_is_dropped():
    assert ev.resolve_chat("5511912345678:12@s.whatsapp.net").jid == MARIA


def test_malformed_message_raises():
    env = envelope("malformed.missing-fields")
    with pytest.raises(ev.InvalidPayload):
        ev.parse_message(env.data)
    with pytest.raises(ev.InvalidPayload):
        ev.parse_message({"key": {"remoteJid": MARIA}, "message": {"conversation": "x"}})  # no id
    with pytest.raises(ev.InvalidPayload):
        ev.parse_message(None)


# ---------------------------------------------------------------- statuses
@pytest.mark.parametrize("value,expected", [
    ("ERROR", Status.FAILED), ("PENDING", Status.PENDING), ("SERVER_ACK", Status.SENT),
    ("DELIVERY_ACK", Status.DELIVERED), ("READ", Status.READ), ("PLAYED", Status.PLAYED),
    (0, Status.FAILED), (1, Status.PENDING), (2, Status.SENT), (3, Status.DELIVERED), (4, Status.READ),
    (5, Status.PLAYED), ("4", Status.READ), ("DELETED", None), (9, None), (None, None),
])
def test_status_mapping(value, expected):
    assert ev.map_status(value) == expected


def test_status_rank_only_moves_forward():
    order = [Status.PENDING, Status.SENT, Status.DELIVERED, Status.READ, Status.PLAYED]
    assert [rank(s) for s in order] == sorted(rank(s) for s in order)
    assert rank(Status.PLAYED) >= rank(Status.READ)
    assert rank(Status.PENDING) < rank(Status.FAILED) < rank(Status.SENT)


def test_messages_update_samples():
    assert ev.parse_status_updates(envelope("messages.update.delivered").data) == [
        ev.StatusUpdate(wamid="3EB0A1B2C3D4E5F6A7B8C9", remote_jid=MARIA, from_me=True, status=Status.DELIVERED)]
    assert ev.parse_status_updates(envelope("messages.update.read").data)[0].status is Status.READ
    assert ev.parse_status_updates(envelope("messages.update.played").data)[0].wamid == "3EB0C0BD05DCA97A7C09CC"
    assert ev.parse_status_updates({"keyId": "X", "status": "DELETED"}) == []


def test_messages_delete_both_forms():
    key_form = ev.parse_deletion(envelope("messages.delete").data)
    assert key_form == ev.Deletion(wamid="A51C0F3E9D8B7A6C5E4D3C2B1A0F9E8D", remote_jid=MARIA, from_me=False)
    stored = {"id": "cmhlq9zz0001", "instanceId": INSTANCE_UUID, "status": "DELETED", "messageType": "conversation",
              "key": {"remoteJid": MARIA, "fromMe": True, "id": "3EB0A1B2C3D4E5F6A7B8C9"}}
    assert ev.parse_deletion(stored).wamid == "3EB0A1B2C3D4E5F6A7B8C9"


# ---------------------------------------------------------------- contacts, chats, instance
def test_contacts_object_or_array():
    single = ev.parse_contacts(envelope("contacts.update.single-with-profilePicUrl").data)
    assert len(single) == 1 and single[0].name == "Maria Souza" and single[0].chat.phone == "+5511912345678"
    assert single[0].profile_pic_url.startswith("https://pps.whatsapp.net/")
    new = ev.parse_contacts(envelope("contacts.upsert.single-new-contact").data)
    assert new[0].chat.contact_key == "+5511977776666" and new[0].profile_pic_url is None
    array = ev.parse_contacts([{"remoteJid": MARIA, "profilePicUrl": None, "instanceId": INSTANCE_UUID},
                               {"remoteJid": "120363298765432101@g.us", "pushName": "Carlos Lima"},
                               {"remoteJid": "25151362101280@lid", "pushName": ""}])
    assert [(c.chat.contact_key, c.name) for c in array] == [("+5511912345678", None), ("25151362101280@lid", None)]


def test_chats_arrays():
    assert ev.parse_chats(envelope("chats.update").data)[0].unread is None
    upsert = ev.parse_chats(envelope("chats.upsert").data)
    assert upsert[0].chat.jid == MARIA and upsert[0].unread == 0


@pytest.mark.parametrize("name,state,reason,dropped", [
    ("connection.update.open", "open", 200, False),
    ("connection.update.connecting", "connecting", 200, False),
    ("connection.update.close", "close", 401, True),
])
def test_connection_states(name, state, reason, dropped):
    conn = ev.parse_connection(envelope(name).data)
    assert (conn.state, conn.status_reason, conn.dropped) == (state, reason, dropped)


def test_connection_open_carries_the_account_and_refused_is_a_drop():
    conn = ev.parse_connection(envelope("connection.update.open").data)
    assert (conn.wuid, conn.phone, conn.profile_name) == ("5511987650000@s.whatsapp.net", "+5511987650000",
                                                          "Acme Support")
    refused = ev.parse_connection({"instance": "acme-support", "state": "refused", "statusReason": 428})
    assert refused.dropped and refused.status_reason == 428


def test_qrcode():
    qr = ev.parse_qrcode(envelope("qrcode.updated").data)
    assert qr.base64.startswith("data:image/png;base64,") and qr.code.startswith("2@") and qr.pairing_code is None
    limit = ev.parse_qrcode({"message": "QR code limit reached, please login again", "statusCode": 500})
    assert limit.error == "QR code limit reached, please login again" and limit.base64 is None


# ---------------------------------------------------------------- edge routing keys
def test_chat_and_dedupe_keys():
    env = envelope("messages.upsert.lid.v2.3.6")
    assert ev.chat_key(env.event, env.data) == "5585993074699@s.whatsapp.net"
    assert ev.message_key(env.event, env.data) == "ACF74C317ABADED4BE7EDC7E41BE13EF"
    env = envelope("messages.update.read")
    assert ev.chat_key(env.event, env.data) == MARIA
    assert ev.message_key(env.event, env.data) == "3EB0A1B2C3D4E5F6A7B8C9:READ"
    env = envelope("connection.update.open")
    assert ev.chat_key(env.event, env.data) == ev.INSTANCE_CHAT and ev.message_key(env.event, env.data) is None
    env = envelope("malformed.missing-fields")
    assert ev.chat_key(env.event, env.data) == ev.INSTANCE_CHAT  # the edge never fails on content


# ---------------------------------------------------------------- phones and previews
def test_phones():
    assert to_e164("(11) 91234-5678") == "+5511912345678"
    assert to_e164("+1 650 253 0000") == "+16502530000"
    assert to_e164("12") is None and to_e164("") is None
    assert from_jid(MARIA) == "+5511912345678"
    assert from_jid("178943561234567@lid") is None and from_jid("120363298765432101@g.us") is None


def test_previews():
    assert preview(Kind.TEXT, "  olá\nmundo ") == "olá mundo"
    assert preview(Kind.IMAGE, "Here is the receipt") == "📷 Foto: Here is the receipt"
    assert preview(Kind.DOCUMENT, None, file_name="a.pdf") == "📄 Documento: a.pdf"
    assert preview(Kind.REACTION, emoji="👍") == "Reagiu 👍 a uma mensagem"
    assert preview(Kind.REACTION, emoji="") == "Removeu uma reação"
    assert len(preview(Kind.TEXT, "x" * 500)) == 120
