"""Pure notification rules: @mentions, time-ordered ids, pt-BR plurals, preferences."""
from __future__ import annotations

import uuid

import pytest

from alrea.domain import notifications as dom
from alrea.domain.texts import plural

PEOPLE = [("1", "Ana Souza"), ("2", "Bruno Lima"), ("3", "Ana Paula"), ("4", "Cárla")]


@pytest.mark.parametrize(("text", "expected"), [
    ("@Ana Souza, veja", {"1"}),
    ("oi @bruno!", {"2"}),
    ("@carla e @ANA PAULA", {"3", "4"}),
    ("@ana sozinha é ambígua", set()),
    ("email ana@souza.com não é menção", set()),
    ("@ninguem", set()),
], ids=["full-name", "unique-first-name", "accents-and-case", "ambiguous-first-name", "e-mail", "unknown"])
def test_mentions(text, expected):
    assert dom.mentioned(text, PEOPLE) == expected


def test_ids_are_uuid7_in_creation_order():
    ids = [dom.time_ordered_id(1_700_000_000_000 + i) for i in range(50)]
    assert ids == sorted(ids)
    assert all(uuid.UUID(i).version == 7 for i in ids)


def test_plurals_and_import_text():
    assert plural(1, "linha lida", "linhas lidas") == "1 linha lida"
    assert plural(2, "telefone inválido", "telefones inválidos") == "2 telefones inválidos"
    assert dom.import_finished("i", "done", "a.csv", 0, 1, 2).body == \
        "0 contatos novos, 1 atualizado, 2 linhas com erro."


def test_preferences_reject_unknown_kinds():
    assert not dom.Preferences(muted=dom.clean_muted(["mention"])).wants("mention")
    with pytest.raises(ValueError):
        dom.clean_muted(["spam"])
