"""Contacts, pure: phone normalisation (tenant region), search keys, tags, typed custom fields, CSV rows.

Nothing here touches storage; the store and the services call these to decide what a value means.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import phonenumbers

from alrea.domain.phones import DEFAULT_REGION

FIELD_TYPES = ("text", "number", "date")
SOURCES = ("import", "inbound", "api", "manual")
STANDARD_TARGETS = ("name", "phone", "email", "tags", "notes")
MAX_TAGS = 50
MAX_TAG_LEN = 40
MAX_NAME_LEN = 120
MAX_TEXT_LEN = 1000
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
TAG_SPLIT = re.compile(r"[,;|]")


class ContactValueError(ValueError):
    """A value that cannot be stored; ``str()`` is the pt-BR reason shown to the user."""


# ---------------------------------------------------------------- phones
def normalize_phone(raw: str | None, region: str = DEFAULT_REGION) -> str:
    """E.164 of a number typed by a person, in the tenant's region; raises ContactValueError."""
    text = (raw or "").strip()
    if not text:
        raise ContactValueError("telefone vazio")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else (region or DEFAULT_REGION))
    except phonenumbers.NumberParseException:
        raise ContactValueError("telefone inválido") from None
    if not phonenumbers.is_valid_number(number):
        raise ContactValueError("telefone inválido")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def country_code(region: str) -> str:
    return str(phonenumbers.country_code_for_region(region or DEFAULT_REGION) or "")


def phone_search_prefix(query: str, region: str = DEFAULT_REGION) -> str | None:
    """Digits to match against E.164 digits, or None when the query is not a phone prefix.

    "+55 11 9..." and "5511..." match as typed; a local "11 9..." gets the tenant's country code in front.
    """
    text = query.strip()
    digits = re.sub(r"\D", "", text)
    if not digits or re.search(r"[^\d\s+()\-.]", text):
        return None
    if text.startswith("+") or text.startswith("00"):
        return digits[2:] if text.startswith("00") else digits
    cc = country_code(region)
    return digits if digits.startswith(cc) and len(digits) > len(cc) + 2 else cc + digits


def phone_digits(key: str) -> str:
    return key.lstrip("+")


# ---------------------------------------------------------------- names and search
def fold(text: str) -> str:
    """Lowercase, accents removed, spaces collapsed: "  José  Álvares" -> "jose alvares"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())


NO_NAME = "~"  # sorts after every letter: unnamed contacts come last


def name_sort_key(name: str | None, key: str) -> str:
    return f"{fold(name) if name else NO_NAME}#{key}"


def clean_name(raw: str | None) -> str | None:
    name = " ".join((raw or "").split())
    if not name:
        return None
    if len(name) > MAX_NAME_LEN:
        raise ContactValueError(f"nome com mais de {MAX_NAME_LEN} caracteres")
    return name


def clean_email(raw: str | None) -> str | None:
    email = (raw or "").strip()
    if not email:
        return None
    if len(email) > 254 or not EMAIL.match(email):
        raise ContactValueError("e-mail inválido")
    return email.lower()


# ---------------------------------------------------------------- tags
def clean_tag(raw: str) -> str:
    tag = " ".join(raw.split()).lower()
    if not tag:
        raise ContactValueError("etiqueta vazia")
    if len(tag) > MAX_TAG_LEN or "#" in tag:
        raise ContactValueError(f"etiqueta inválida: {raw[:60]!r} (até {MAX_TAG_LEN} caracteres, sem '#')")
    return tag


def clean_tags(values: list[str] | str | None) -> list[str]:
    if values is None:
        return []
    parts = TAG_SPLIT.split(values) if isinstance(values, str) else list(values)
    tags: list[str] = []
    for part in parts:
        if isinstance(part, str) and part.strip():
            tag = clean_tag(part)
            if tag not in tags:
                tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ContactValueError(f"no máximo {MAX_TAGS} etiquetas por contato")
    return tags


# ---------------------------------------------------------------- custom fields
@dataclass(frozen=True)
class FieldDef:
    name: str
    type: str
    label: str


def check_field_name(name: str) -> str:
    if not FIELD_NAME.match(name or ""):
        raise ContactValueError("nome de campo inválido: use letras minúsculas, números e _ (até 40), "
                                "começando por uma letra")
    return name


def coerce_field(definition: FieldDef, raw: Any) -> Any:
    """A custom field value typed by its definition; None clears it."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if definition.type == "number":
        if isinstance(raw, bool):
            raise ContactValueError(f"{definition.label}: deve ser um número")
        text = str(raw).strip()
        if isinstance(raw, str) and "," in text:  # pt-BR "1.234,56"
            text = text.replace(".", "").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ContactValueError(f"{definition.label}: deve ser um número") from None
        if not value.is_finite():
            raise ContactValueError(f"{definition.label}: deve ser um número")
        return value
    if definition.type == "date":
        return parse_date(str(raw), definition.label)
    text = str(raw).strip()
    if len(text) > MAX_TEXT_LEN:
        raise ContactValueError(f"{definition.label}: até {MAX_TEXT_LEN} caracteres")
    return text


def parse_date(text: str, label: str) -> str:
    """ISO date (YYYY-MM-DD) of "2024-03-01", "01/03/2024" (dd/mm/yyyy) or an ISO date-time."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise ContactValueError(f"{label}: data inválida (use AAAA-MM-DD ou DD/MM/AAAA)") from None


def plain_value(value: Any) -> Any:
    """JSON-friendly form of a stored custom field value (Decimal -> int/float)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------- CSV import
@dataclass(frozen=True)
class Mapping:
    """Which CSV column feeds which contact attribute: ``{column: "name"|"phone"|...|"field:<n>"|"ignore"}``."""

    columns: dict[str, str]

    @property
    def phone_column(self) -> str:
        return next(c for c, t in self.columns.items() if t == "phone")


HEADER_GUESSES = {
    "phone": ("phone", "telefone", "celular", "whatsapp", "fone", "numero", "número", "mobile", "tel"),
    "name": ("name", "nome", "nome completo", "full name", "contato"),
    "email": ("email", "e-mail", "mail"),
    "tags": ("tags", "etiquetas", "tag", "etiqueta", "grupos"),
    "notes": ("notes", "notas", "observacoes", "observações", "obs"),
}


def guess_mapping(header: list[str], fields: dict[str, FieldDef]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for column in header:
        folded = fold(column)
        target = "ignore"
        for name, guesses in HEADER_GUESSES.items():
            if name not in used and folded in {fold(g) for g in guesses}:
                target = name
                break
        if target == "ignore" and folded.replace(" ", "_") in fields:
            target = f"field:{folded.replace(' ', '_')}"
        if target != "ignore":
            used.add(target)
        mapping[column] = target
    return mapping


def check_mapping(columns: dict[str, str], fields: dict[str, FieldDef],
                  header: list[str] | None = None) -> Mapping:
    """Validate a mapping chosen by the user; raises ContactValueError with the reason."""
    if not columns:
        raise ContactValueError("mapeamento de colunas vazio")
    seen: set[str] = set()
    for column, target in columns.items():
        if target == "ignore":
            continue
        if target.startswith("field:"):
            if target[6:] not in fields:
                raise ContactValueError(f"coluna {column!r}: campo personalizado {target[6:]!r} não existe")
        elif target not in STANDARD_TARGETS:
            raise ContactValueError(f"coluna {column!r}: destino inválido {target!r}")
        if target in seen:
            raise ContactValueError(f"o destino {target!r} foi escolhido para mais de uma coluna")
        seen.add(target)
    if "phone" not in seen:
        raise ContactValueError("escolha a coluna do telefone")
    if header is not None:
        missing = [c for c, t in columns.items() if t != "ignore" and c not in header]
        if missing:
            raise ContactValueError(f"colunas ausentes no arquivo: {', '.join(missing)}")
    return Mapping(dict(columns))


@dataclass
class RowValues:
    phone: str
    name: str | None = None
    email: str | None = None
    tags: list[str] = field(default_factory=list)
    notes: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def row_digest(values: RowValues) -> str:
    """Fingerprint of what a row says about a contact: re-importing the same row is recognised without
    reading (and comparing) the whole contact."""
    payload = json.dumps([values.name, values.email, sorted(values.tags), values.notes,
                          sorted((k, str(v)) for k, v in values.fields.items())], ensure_ascii=False)
    return hashlib.blake2b(payload.encode(), digest_size=10).hexdigest()


@dataclass(frozen=True)
class RowError:
    value: str
    reason: str
    code: str  # invalid_phone | invalid_email | invalid_value | duplicate | plan_limit


def parse_row(row: dict[str, str], mapping: Mapping, fields: dict[str, FieldDef],
              region: str) -> RowValues | RowError:
    """One CSV record (column -> raw text) -> normalised values, or the first reason it cannot be imported."""
    raw_phone = (row.get(mapping.phone_column) or "").strip()
    try:
        values = RowValues(phone=normalize_phone(raw_phone, region))
    except ContactValueError as exc:
        return RowError(raw_phone, str(exc), "invalid_phone")
    for column, target in mapping.columns.items():
        if target in ("ignore", "phone"):
            continue
        raw = (row.get(column) or "").strip()
        if not raw:
            continue
        try:
            if target == "name":
                values.name = clean_name(raw)
            elif target == "email":
                values.email = clean_email(raw)
            elif target == "tags":
                values.tags = clean_tags(raw)
            elif target == "notes":
                values.notes = raw[:MAX_TEXT_LEN]
            else:
                definition = fields[target[6:]]
                values.fields[definition.name] = coerce_field(definition, raw)
        except ContactValueError as exc:
            return RowError(raw, str(exc), "invalid_email" if target == "email" else "invalid_value")
    return values


def limit_message(max_contacts: int, imported: int, refused: int, upgrade_title: str | None = None) -> str:
    upgrade = f"Faça upgrade para o plano {upgrade_title}" if upgrade_title else "Faça upgrade"
    return (f"Seu plano permite até {max_contacts} contatos: {imported} contato(s) novo(s) importado(s), "
            f"{refused} linha(s) não importada(s) por atingir esse limite. {upgrade} para importar o restante.")


# ---------------------------------------------------------------- any-part search terms
MIN_PHONE_TERM = 4
MAX_TERM = 60
MAX_NAME_TERMS = 8
NO_TERMS = "~"  # the marker of a contact indexed without a name


def name_terms(folded_name: str | None) -> list[str]:
    """The folded name from each word on: "ana maria silva" -> [that, "maria silva", "silva"]; a query
    that is a prefix of one of them finds the contact ("silv", "maria s")."""
    parts = (folded_name or "").split() if folded_name != NO_TERMS else []
    return list(dict.fromkeys(" ".join(parts[i:])[:MAX_TERM] for i in range(min(len(parts), MAX_NAME_TERMS))))


LAST_DIGITS = "~"  # marks the reversed-digits term (sorts after every digit and letter)


def phone_terms(key: str) -> list[str]:
    """Digit terms of a phone, so that a prefix of one of them finds the contact:
    - the E.164 digits ("5511998765432": typed with the country code);
    - the national number ("11998765432": with the area code) and the subscriber number ("998765432"), plus,
      for a Brazilian mobile, the number without its leading 9 ("98765432": the 8-digit form people remember);
    - ``~`` + the national number reversed: the LAST digits, any length ("5432", "65432").
    Any other run of digits from the middle is not a term (it would take one item per digit)."""
    if not key.startswith("+"):
        return []
    digits = phone_digits(key)
    try:
        number = phonenumbers.parse(key, None)
        national = str(number.national_number)
        area = phonenumbers.length_of_national_destination_code(number)
        region = phonenumbers.region_code_for_number(number)
    except phonenumbers.NumberParseException:
        national, area, region = digits, 0, None
    terms = [digits, national]
    subscriber = national[area:] if area else ""
    if subscriber:
        terms.append(subscriber)
        if region == "BR" and len(subscriber) == 9 and subscriber.startswith("9"):
            terms.append(subscriber[1:])
    terms.append(LAST_DIGITS + national[::-1])
    return list(dict.fromkeys(terms))


def terms_of(name: str | None, key: str) -> list[str]:
    """Every search term of a contact: its folded name's (from each word on) and its phone's."""
    return name_terms(fold(name or "")) + phone_terms(key)


def search_prefixes(query: str) -> list[str]:
    """The term prefixes a contacts query looks for: digits as typed and reversed (last digits) for a
    phone-like query, else the folded text. Empty when there is nothing to search."""
    term = search_term(query)
    if not term:
        return []
    if term.isdigit():
        if query.strip().startswith(("+", "00")):  # typed with the country code: a prefix only
            return [term]
        return [term, LAST_DIGITS + term[::-1]]
    return [term]


def search_term(query: str) -> str | None:
    """What a contacts query matches as a term prefix: digits for a phone-like query, else the folded text."""
    text = query.strip()
    if not text:
        return None
    if not re.search(r"[^\d\s+()\-.]", text):
        digits = re.sub(r"\D", "", text)
        return (digits[2:] if text.startswith("00") else digits) or None
    return fold(text)[:MAX_TERM] or None


# ---------------------------------------------------------------- what the store returns
@dataclass(frozen=True)
class Contact:
    """A tenant's contact (field names = the stored attributes). ``key``: E.164, or a LID JID while WhatsApp
    hides the number. ``fields`` holds the stored custom field values (numbers as Decimal: ``field_values``
    gives the JSON form); ``opted_out`` is ``{at, reason, source[, by]}`` or None."""

    tenant_id: str
    key: str
    id: str | None = None
    phone: str | None = None
    lid: str | None = None
    name: str | None = None
    email: str | None = None
    tags: frozenset[str] = frozenset()
    fields: dict[str, Any] = field(default_factory=dict)
    notes: str | None = None
    source: str | None = None
    counted: bool = False  # counts against max_contacts (created by import / API / manual)
    profile_pic_url: str | None = None
    avatar_key: str | None = None  # S3 key of the cached profile picture (services/profile_pics)
    avatar_fetched_at: str | None = None
    last_interaction_at: str | None = None
    opted_out: dict[str, Any] | None = None
    import_digest: str | None = None  # digest of the last imported row applied to this contact
    terms_name: str | None = None  # the folded name whose search terms are written (NO_TERMS: none)
    created_at: str | None = None
    updated_at: str | None = None

    def field_values(self) -> dict[str, Any]:
        return {k: plain_value(v) for k, v in self.fields.items()}

    def opt_out_view(self) -> dict[str, Any] | None:
        return dict(self.opted_out) if self.opted_out is not None else None


@dataclass(frozen=True)
class CustomField:
    """A tenant's custom field definition."""

    name: str
    type: str
    label: str
    created_at: str | None = None

    def definition(self) -> FieldDef:
        return FieldDef(self.name, self.type, self.label)


@dataclass(frozen=True)
class Tag:
    name: str
    count: int = 0


IMPORT_COUNTS = ("processed", "imported", "updated", "unchanged", "failed", "blank")


@dataclass(frozen=True)
class ImportJob:
    """One CSV import: who, which file, the column mapping (None: guessed from the header), status
    (awaiting_upload | processing | done | failed), counts, failure reasons and progress."""

    id: str
    tenant_id: str
    user_id: str
    file_name: str
    object_key: str
    status: str
    created_at: str
    size: int = 0
    mapping: dict[str, str] | None = None
    counts: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    bytes_read: int = 0
    message: str | None = None
    error_report_key: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
