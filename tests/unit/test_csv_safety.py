"""The one CSV writer of every export (alrea.domain.csv_cells) and the S3 key parser (alrea.domain.object_keys)."""
from __future__ import annotations

import csv
import io

import pytest

from alrea.core.errors import Invalid
from alrea.domain.csv_cells import SafeWriter, safe_cell, safe_row
from alrea.domain.object_keys import parse_tenant_key, tenant_object_key


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+1+1+cmd|' /C calc'!A0", "'+1+1+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("+5511987650000", "'+5511987650000"),  # phones too: shown as text, digits and "+" kept
    ("Maria = Ana", "Maria = Ana"),
    ("São Paulo", "São Paulo"),
    ("", ""),
    (None, ""),
    (42, "42"),
    (-1, "'-1"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_safe_writer_neutralises_every_cell_and_stays_valid_csv():
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(["nome", "telefone"])
    writer.writerow(['=HYPERLINK("a,b")', "+5511987650000"])
    writer.writerow(gen for gen in ("@x", "ok"))  # any iterable
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["nome", "telefone"], ['\'=HYPERLINK("a,b")', "'+5511987650000"], ["'@x", "ok"]]
    assert safe_row(["-", "a"]) == ["'-", "a"]


# fixed ids: the parameters below are part of the test ids, which every xdist worker must collect alike
TID = "839cbf18-d0f7-46f3-b17b-c2ae3ac93269"
OTHER = "f0acc47a-78cd-4034-a7dd-3f7a0a7d15b6"
CID = "f49fffe7-ff09-429a-8e06-db3254755b06"


@pytest.mark.parametrize("key", [
    f"t/{TID}/../{OTHER}/outbox/{CID}/x.png",
    f"t/{TID}/outbox/{CID}/../x.png",
    f"t/{TID}/outbox/{CID}/./x.png",
    f"t/{TID}/outbox/{CID}/",
    f"t/{TID}//outbox/{CID}/x.png",
    f"t/{TID}/outbox/{CID}/%2e%2e",
    f"t/{TID}/outbox/{CID}/x%2Fy.png",
    f"t/{TID}\\outbox\\{CID}\\x.png",
    f"t/{TID}/outbox/{CID}/x\x00.png",
    f"t/{OTHER}/outbox/{CID}/x.png",
    f"t/{TID}/outbox/8adaffe0-957e-4d90-8ddd-3836dc979ab6/x.png",
    f"t/{TID}/media/{CID}/x.png",
    f"/t/{TID}/outbox/{CID}/x.png",
    f"T/{TID}/outbox/{CID}/x.png",
    f"t/{TID}/outbox/{CID}/a/b.png",
    "",
    None,
    123,
    "t/" + TID + "/outbox/" + CID + "/" + "x" * 1100,
])
def test_bad_keys_are_refused(key):
    with pytest.raises(Invalid) as refused:
        tenant_object_key(key, TID, ("outbox", CID), field="media.key")
    assert refused.value.details["field"] == "media.key" and refused.value.message


def test_good_keys_and_wildcards():
    good = f"t/{TID}/outbox/{CID}/a-b_c.png"
    assert tenant_object_key(good, TID, ("outbox", CID)) == good
    assert tenant_object_key(f"t/{TID}/media/{CID}/w.jpg", TID, ("campaigns",), ("media", "*"))
    assert tenant_object_key(f"t/{TID}/campaigns/banner.png", TID, ("campaigns",), ("media", "*"))
    assert parse_tenant_key(f"t/{TID}/imports/abc.import.csv", ("imports",)) == (TID, "abc.import.csv")
    assert parse_tenant_key(f"t/{TID}/imports/../imports/abc.import.csv", ("imports",)) is None


def test_import_events_are_parsed_not_prefix_matched():
    from alrea.services.contacts_import import parse_object_key

    assert parse_object_key(f"t/{TID}/imports/abc.import.csv") == (TID, "abc")
    for key in (f"t/{TID}/imports/../x/imports/abc.import.csv", f"t/{TID}/imports/abc.csv",
                f"t/{TID}/imports//abc.import.csv", f"t/{TID}/imports/%2e%2e.import.csv"):
        assert parse_object_key(key) is None
