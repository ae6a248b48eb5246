"""Campaigns that reach everyone (issue 16), end to end on moto + Step Functions + the Evolution simulator over
HTTP with its webhooks: answers lost after the work was done are reconciled as sent (by asking the gateway),
"connection closed" answers are retried and delivered, 5xx answers that sent nothing are sent once more, a
number that disconnects mid-campaign hands its recipients to the other number. Sends are counted at the
simulator: nobody gets a message twice."""
from __future__ import annotations

import time
import uuid
from collections import Counter

import httpx
import pytest

from alrea.domain import campaigns as dom
from test_campaigns_run import ALWAYS, add_number, assert_exactly_once, make_world, sim_faults, wait_for


@pytest.fixture(scope="module")
def world(moto_server):
    w = make_world(moto_server)
    yield w
    w.rt.stop()


@pytest.fixture
def quick(world, monkeypatch):
    """A 1 s answer timeout; the gateway is asked about unknown outcomes after 2 s; certain failures are
    retried after ~1 s."""
    from alrea.adapters.evolution.client import EvolutionClient
    from alrea.services import campaign_sender

    monkeypatch.setattr(world.rt.runtime, "whatsapp",
                        EvolutionClient(world.sim.url, world.sim.api_key, timeout=1.0, backoff_s=0.05))
    monkeypatch.setenv("ALREA_CAMPAIGN_RECONCILE_AFTER_S", "2")
    monkeypatch.setattr(campaign_sender, "RETRY_BASE_S", 1)
    yield
    sim_faults(world, error_rate=0.0, hang_s=0, error_kind="closed", echo_delay_s=0)


def counters(world, cid: str) -> dict[str, int]:
    return world.item(cid).counters()


def test_sends_answered_too_late_all_end_sent_through_reconciliation(world, quick):
    tag, phones = world.contacts(6)
    cid = world.campaign(tag)
    # every send goes out, its answer comes after the client gave up, and its echo much later still
    sim_faults(world, hang_s=1.5, echo_delay_s=40)
    world.start(cid)
    assert wait_for(lambda: counters(world, cid)["unknown"] == 6, timeout=60), counters(world, cid)
    sim_faults(world, hang_s=0)  # the gateway answers again: asked, it has every one of them
    done = world.wait_status(cid, "completed", timeout=60)
    recipients = assert_exactly_once(world, cid, phones)
    assert all(r.status in dom.REACHED and r.wamid for r in recipients), Counter(r.status for r in recipients)
    assert done.counters()["unknown"] == 0 and done.counters()["sent"] == 6


def test_connection_closed_answers_are_retried_and_delivered(world, quick):
    tag, phones = world.contacts(10)
    cid = world.campaign(tag)
    sim_faults(world, error_rate=0.6, error_kind="closed")  # Evolution: 500 "Connection Closed", nothing sent
    world.start(cid)
    done = world.wait_status(cid, "completed", timeout=120)
    recipients = assert_exactly_once(world, cid, phones)
    assert {r.status for r in recipients} <= set(dom.REACHED)
    assert done.counters()["failed"] == 0 and done.counters()["unknown"] == 0


def test_5xx_that_sent_nothing_are_found_missing_and_sent_once_more(world, quick):
    tag, phones = world.contacts(10)
    cid = world.campaign(tag)
    sim_faults(world, error_rate=0.4, error_kind="generic")  # 500 before the work: the outcome is unknown
    world.start(cid)
    assert wait_for(lambda: counters(world, cid)["pending"] == 0 and counters(world, cid)["sending"] == 0,
                    timeout=60)
    sim_faults(world, error_rate=0.0)
    done = world.wait_status(cid, "completed", timeout=90)
    recipients = assert_exactly_once(world, cid, phones)
    assert {r.status for r in recipients} <= set(dom.REACHED), Counter(r.status for r in recipients)
    assert done.counters()["unknown"] == 0


def test_a_number_disconnecting_mid_campaign_hands_its_recipients_to_the_other(world, quick):
    from alrea.store import recipients as rstore

    suffix = uuid.uuid4().hex[:6]
    a = add_number(world, "fa-" + suffix, connected_in_sim=True)
    b = add_number(world, "fb-" + suffix, connected_in_sim=True)
    tag, phones = world.contacts(12)
    cid = world.campaign(tag, instances=[a, b], pacing={"min_delay_s": 1, "max_delay_s": 1, **ALWAYS})
    world.start(cid)
    on_a = {r.phone for r in world.recipients(cid) if r.instance_id == a.instance_id}
    assert wait_for(lambda: counters(world, cid)["sent"] >= 2, timeout=30)
    httpx.post(f"{world.sim.url}/_sim/instances/{a.evolution_name}/disconnect", json={"reason": 401},
               timeout=5).raise_for_status()
    done = world.wait_status(cid, "completed", timeout=90)
    recipients = assert_exactly_once(world, cid, phones)
    moved = [r for r in recipients if r.phone in on_a and r.instance_id == b.instance_id]
    assert moved, "nothing moved to the healthy number"
    sent_from = {s["number"]: s["instance"] for s in world.sent()}
    assert all(sent_from[r.phone.lstrip("+")] == b.evolution_name for r in moved)
    assert rstore.sticky_of(world.tenant_id, [moved[0].phone]) == {moved[0].phone: b.instance_id}
    assert done.failure_reason is None
    alerts = [e for e in world.rt.runtime.push.events(f"admins:{world.tenant_id}")
              if e["type"] == "campaign_alert" and e["campaign_id"] == cid]
    assert alerts and alerts[0]["reason"] == "failover" and "passaram para os outros números" in alerts[0]["message"]
    time.sleep(0.1)


def test_an_image_campaign_delivers_the_image_with_each_contacts_caption(world):
    from alrea.services import campaign_media
    from alrea.simulator import payloads

    image = payloads.png()
    upload = campaign_media.create_upload(world.admin, file_name="oferta.png", mimetype="image/png",
                                          size=len(image))
    httpx.put(upload["upload_url"], content=image, headers=upload["headers"], timeout=10).raise_for_status()
    assert httpx.get(upload["preview_url"], timeout=10).content == image  # the wizard's preview
    tag, phones = world.contacts(4)
    media = {"key": upload["key"], "mimetype": "image/png", "file_name": "oferta.png"}
    cid = world.campaign(tag, variants=[{"text": "Olá {{nome}}, confira a oferta!", "media": media}])
    world.start(cid)
    world.wait_status(cid, "completed", timeout=60)
    assert_exactly_once(world, cid, phones)
    digits = {p.lstrip("+") for p in phones}
    sends = [s for s in world.sent() if s["number"] in digits]
    assert {s["mediatype"] for s in sends} == {"image"} and {s["bytes"] for s in sends} == {len(image)}
    names = {r.phone.lstrip("+"): (r.contact or {}).get("name", "").split()[0] for r in world.recipients(cid)}
    assert all(s["caption"] == f"Olá {names[s['number']]}, confira a oferta!" for s in sends), sends


def test_media_uploads_are_checked_by_kind_and_size(world):
    from alrea.core.errors import Invalid
    from alrea.services import campaign_media

    with pytest.raises(Invalid):
        campaign_media.create_upload(world.admin, file_name="x.exe", mimetype="application/x-msdownload", size=10)
    with pytest.raises(Invalid):
        campaign_media.create_upload(world.admin, file_name="x.png", mimetype="image/png", size=6 * 1024 * 1024)
    ok = campaign_media.create_upload(world.admin, file_name="catálogo 2026.pdf", mimetype="application/pdf",
                                      size=9 * 1024 * 1024)
    assert ok["key"].startswith(f"t/{world.tenant_id}/campaigns/") and ok["mediatype"] == "document"
