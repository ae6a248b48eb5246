"""E-mailed account links over the API, on moto, with the local mail sink as the Email port: forgot/reset
password, change own password, sign-up verification, invitations (issue 14, accounts)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

PASSWORD = "s3nha-Segura!"
NEW_PASSWORD = "outra-Frase-bem-longa-42"
LINK = re.compile(r"https?://\S+")


@pytest.fixture
def mailbox(api_runtime):
    """The runtime's Email port: the local mail sink (the tests' stage is local)."""
    from alrea.adapters.memory.mail import MailSink

    assert isinstance(api_runtime.email, MailSink)
    return api_runtime.email


def last_mail(mailbox, to: str, kind: str):
    found = [m for m in mailbox.messages(to) if m.kind == kind]
    assert found, f"no {kind} e-mail to {to}: {[m.kind for m in mailbox.messages()]}"
    return found[0]


def token_in(mail, path: str) -> str:
    (url,) = [u for u in LINK.findall(mail.text) if urlsplit(u).path == path]
    return parse_qs(urlsplit(url).query)["token"][0]


def forgot(client, email: str):
    return client.post("/api/auth/password/forgot", json={"email": email})


def reset(client, token: str, password: str = NEW_PASSWORD):
    return client.post("/api/auth/password/reset", json={"token": token, "password": password})


def login(client, email: str, password: str):
    return client.post("/api/auth/login", json={"email": email, "password": password})


# ------------------------------------------------------------------ forgot / reset
def test_forgot_password_answers_the_same_for_a_known_and_an_unknown_address(client, tenant_a, mailbox,
                                                                             new_email):
    known, unknown = forgot(client, tenant_a.email.upper()), forgot(client, new_email("ninguem"))
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert "Se houver uma conta" in known.json()["message"]
    mail = last_mail(mailbox, tenant_a.email, "reset_password")
    assert mail.subject == "Redefinição de senha do ALREA Flow"
    assert "30 minutos" in mail.text and "Definir nova senha" in mail.html
    assert [m for m in mailbox.messages() if m.kind == "reset_password"] == [mail]  # none to the unknown one


def test_a_reset_link_sets_the_password_once_and_ends_every_session(client, tenant_a, mailbox):
    forgot(client, tenant_a.email)
    token = token_in(last_mail(mailbox, tenant_a.email, "reset_password"), "/redefinir-senha")
    from alrea.domain.account_links import token_hash
    from alrea.store import account_links

    assert account_links.find(token) is None and account_links.find(token_hash(token)) is not None  # hash only

    assert reset(client, token).status_code == 204
    assert login(client, tenant_a.email, PASSWORD).status_code == 401
    assert login(client, tenant_a.email, NEW_PASSWORD).status_code == 200
    # the sessions from before the reset: the refresh family and the access token are over
    assert client.post("/api/auth/refresh", json={"refresh": tenant_a.refresh}).status_code == 401
    assert tenant_a.get("/api/me").status_code == 401
    # single use
    again = reset(client, token, "mais-uma-Frase-segura-77")
    assert again.status_code == 422 and again.json()["error"] == "invalid_link"
    assert login(client, tenant_a.email, NEW_PASSWORD).status_code == 200
    assert last_mail(mailbox, tenant_a.email, "password_changed")


def test_an_expired_reset_link_is_refused(client, tenant_a, mailbox, monkeypatch):
    from alrea.services import credentials

    forgot(client, tenant_a.email)
    token = token_in(last_mail(mailbox, tenant_a.email, "reset_password"), "/redefinir-senha")
    real_now = credentials._now_s()
    monkeypatch.setattr(credentials, "_now_s", lambda: real_now + 30 * 60 + 1)
    r = reset(client, token)
    assert r.status_code == 422 and r.json()["error"] == "invalid_link"
    monkeypatch.setattr(credentials, "_now_s", lambda: real_now + 29 * 60)
    assert reset(client, token).status_code == 204


@pytest.mark.parametrize("token", ["x", "a" * 43, "../../etc"], ids=["short", "unknown", "path"])
def test_a_wrong_reset_token_is_refused_with_one_message(client, token):
    r = reset(client, token)
    assert r.status_code == 422
    assert r.json()["error"] == "invalid_link" and "inválido" in r.json()["message"]


def test_a_verification_link_is_not_a_reset_link(client, new_tenant, mailbox):
    account = new_tenant()
    token = token_in(last_mail(mailbox, account.email, "verify_email"), "/verificar-email")
    assert reset(client, token).json()["error"] == "invalid_link"


def test_a_weak_new_password_keeps_the_link_usable(client, tenant_a, mailbox):
    forgot(client, tenant_a.email)
    token = token_in(last_mail(mailbox, tenant_a.email, "reset_password"), "/redefinir-senha")
    weak = reset(client, token, "12345678")
    assert weak.status_code == 422 and weak.json()["field"] == "password"
    assert reset(client, token).status_code == 204


def test_bad_link_tokens_are_throttled_per_ip(client):
    answers = [reset(client, f"wrong-{i}").status_code for i in range(12)]
    assert answers[:10] == [422] * 10 and answers[-1] == 429


def test_forgot_password_is_throttled_per_address_known_or_not(client, tenant_a, new_email):
    for address in (tenant_a.email, new_email("ninguem")):
        answers = [forgot(client, address).status_code for _ in range(5)]
        assert answers[:3] == [202] * 3 and answers[-1] == 429


# ------------------------------------------------------------------ change own password
def test_changing_ones_password_needs_the_current_one_and_ends_other_sessions(client, tenant_a, mailbox):
    other_device = tenant_a.login_as(tenant_a.email)
    wrong = tenant_a.post("/api/me/password", {"current_password": "nao-e-essa-1", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 422 and wrong.json()["field"] == "current_password"

    r = tenant_a.post("/api/me/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    fresh = r.json()
    assert client.get("/api/me", headers={"Authorization": f"Bearer {fresh['access']}"}).status_code == 200
    assert client.post("/api/auth/refresh", json={"refresh": fresh["refresh"]}).status_code == 200
    assert client.post("/api/auth/refresh", json={"refresh": other_device.refresh}).status_code == 401
    assert other_device.get("/api/me").status_code == 401
    assert login(client, tenant_a.email, NEW_PASSWORD).status_code == 200
    assert last_mail(mailbox, tenant_a.email, "password_changed")


# ------------------------------------------------------------------ sign-up verification
def test_a_sign_up_is_unverified_until_its_link_is_opened(client, new_tenant, mailbox):
    account = new_tenant("Verifica Ltda")
    assert account.signup["user"]["email_verified"] is False
    mail = last_mail(mailbox, account.email, "verify_email")
    assert "Verifica Ltda" in mail.text
    token = token_in(mail, "/verificar-email")

    assert account.get("/api/me").json()["user"]["email_verified"] is False
    assert client.post("/api/auth/email/verify", json={"token": token}).status_code == 204
    assert account.get("/api/me").json()["user"]["email_verified"] is True
    used = client.post("/api/auth/email/verify", json={"token": token})
    assert used.status_code == 422 and used.json()["error"] == "invalid_link"
    already = account.post("/api/me/email-verification")
    assert already.status_code == 409 and already.json()["error"] == "already_verified"


def test_the_verification_e_mail_can_be_sent_again(new_tenant, mailbox, client):
    account = new_tenant()
    assert account.post("/api/me/email-verification").status_code == 202
    mails = [m for m in mailbox.messages(account.email) if m.kind == "verify_email"]
    assert len(mails) == 2
    newest = token_in(mails[0], "/verificar-email")
    assert client.post("/api/auth/email/verify", json={"token": newest}).status_code == 204


def test_the_demo_and_existing_users_count_as_verified(tenant_a, mailbox):
    created = tenant_a.user("agent", tenant_a.department())  # created by an admin with a password
    assert created["email_verified"] is True


# ------------------------------------------------------------------ invitations
def verified(client, account, mailbox):
    token = token_in(last_mail(mailbox, account.email, "verify_email"), "/verificar-email")
    assert client.post("/api/auth/email/verify", json={"token": token}).status_code == 204
    return account


def invite(account, email: str, role: str = "agent", department_id: str | None = None, name: str = "Caio"):
    return account.post("/api/invitations", {"name": name, "email": email, "role": role,
                                             "department_id": department_id})


def test_an_unverified_admin_cannot_invite(tenant_a, new_email):
    r = invite(tenant_a, new_email("convidado"), role="admin")
    assert r.status_code == 403 and r.json()["error"] == "email_unverified"


def test_an_invitation_creates_the_user_only_when_accepted(client, tenant_a, mailbox, new_email):
    admin = verified(client, tenant_a, mailbox)
    dept = admin.department("Suporte")
    address = new_email("caio")
    r = invite(admin, address, "agent", dept)
    assert r.status_code == 201, r.text
    assert r.json()["sent"] is True and r.json()["email"] == address
    emails = [u["email"] for u in admin.get("/api/users").json()["items"]]
    assert address not in emails  # not a user yet
    assert [i["email"] for i in admin.get("/api/invitations").json()["items"]] == [address]
    assert admin.get("/api/me").json()["tenant"]["usage"]["users"] == 1

    mail = last_mail(mailbox, address, "invitation")
    assert "Empresa A" in mail.subject and "atendente" in mail.text and "7 dias" in mail.text
    token = token_in(mail, "/aceitar-convite")
    preview = client.post("/api/auth/invitations/preview", json={"token": token})
    assert preview.json() == {"company": "Empresa A", "name": "Caio", "email": address, "role": "agent"}

    accepted = client.post("/api/auth/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    assert accepted.status_code == 200, accepted.text
    me = client.get("/api/me", headers={"Authorization": f"Bearer {accepted.json()['access']}"}).json()
    assert me["user"]["email"] == address and me["user"]["role"] == "agent"
    assert me["user"]["department_id"] == dept and me["user"]["email_verified"] is True
    assert me["tenant"]["id"] == admin.tenant_id and me["tenant"]["usage"]["users"] == 2
    assert login(client, address, NEW_PASSWORD).status_code == 200
    assert admin.get("/api/invitations").json()["items"] == []
    again = client.post("/api/auth/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    assert again.status_code == 422 and again.json()["error"] == "invalid_link"


def test_an_invitation_counts_against_the_users_limit_at_acceptance(client, tenant_a, mailbox, new_email):
    from alrea.store import tenants

    admin = verified(client, tenant_a, mailbox)
    tenants.set_limits(admin.tenant_id, max_users=2)
    first, second = new_email("um"), new_email("dois")
    assert invite(admin, first, "admin").status_code == 201
    assert invite(admin, second, "admin").status_code == 201  # invitations are not users: both may be sent
    tokens = [token_in(last_mail(mailbox, a, "invitation"), "/aceitar-convite") for a in (first, second)]
    ok = client.post("/api/auth/invitations/accept", json={"token": tokens[0], "password": NEW_PASSWORD})
    assert ok.status_code == 200, ok.text
    full = client.post("/api/auth/invitations/accept", json={"token": tokens[1], "password": NEW_PASSWORD})
    assert full.status_code == 402 and full.json()["error"] == "plan_limit"
    assert login(client, second, NEW_PASSWORD).status_code == 401  # not created
    tenants.set_limits(admin.tenant_id, max_users=3)  # a seat freed (an upgrade): the same link still works
    later = client.post("/api/auth/invitations/accept", json={"token": tokens[1], "password": NEW_PASSWORD})
    assert later.status_code == 200, later.text


def test_inviting_again_replaces_the_link_and_cancel_kills_it(client, tenant_a, mailbox, new_email):
    admin = verified(client, tenant_a, mailbox)
    address = new_email("caio")
    invite(admin, address, "admin")
    old = token_in(last_mail(mailbox, address, "invitation"), "/aceitar-convite")
    (pending,) = admin.get("/api/invitations").json()["items"]
    assert admin.post(f"/api/invitations/{pending['id']}/resend").status_code == 200
    new = token_in(last_mail(mailbox, address, "invitation"), "/aceitar-convite")
    assert new != old
    assert client.post("/api/auth/invitations/preview", json={"token": old}).status_code == 422
    assert client.post("/api/auth/invitations/preview", json={"token": new}).status_code == 200
    assert admin.delete(f"/api/invitations/{pending['id']}").status_code == 204
    assert client.post("/api/auth/invitations/preview", json={"token": new}).status_code == 422
    assert admin.get("/api/invitations").json()["items"] == []


def test_invitations_stay_inside_their_tenant(client, tenant_a, tenant_b, mailbox, new_email):
    admin = verified(client, tenant_a, mailbox)
    invite(admin, new_email("caio"), "admin")
    (pending,) = admin.get("/api/invitations").json()["items"]
    assert tenant_b.get("/api/invitations").json()["items"] == []
    assert tenant_b.delete(f"/api/invitations/{pending['id']}").status_code == 404
    assert tenant_b.post(f"/api/invitations/{pending['id']}/resend").status_code == 404


def test_an_address_that_already_has_an_account_cannot_be_invited(client, tenant_a, tenant_b, mailbox):
    admin = verified(client, tenant_a, mailbox)
    r = invite(admin, tenant_b.email, "admin")
    assert r.status_code == 409 and r.json()["error"] == "email_taken"


def test_only_admins_invite(client, tenant_a, mailbox, new_email):
    admin = verified(client, tenant_a, mailbox)
    agent = admin.login_as(admin.user("agent", admin.department())["email"])
    assert invite(agent, new_email("x"), "agent").status_code == 403


# ------------------------------------------------------------------ tenant settings and options
def test_an_admin_changes_the_company_settings(tenant_a):
    r = tenant_a.patch("/api/tenant", {"name": "Empresa A2", "timezone": "America/Manaus", "country": "pt"})
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["timezone"], r.json()["country"]) == ("Empresa A2", "America/Manaus", "PT")
    assert tenant_a.get("/api/me").json()["tenant"]["timezone"] == "America/Manaus"
    bad_zone = tenant_a.patch("/api/tenant", {"name": "X", "timezone": "Mars/Olympus", "country": "BR"})
    assert bad_zone.status_code == 422 and bad_zone.json()["field"] == "timezone"
    bad_country = tenant_a.patch("/api/tenant", {"name": "X", "timezone": "America/Manaus", "country": "ZZ"})
    assert bad_country.status_code == 422 and bad_country.json()["field"] == "country"


def test_only_admins_change_the_company_settings(tenant_a):
    agent = tenant_a.login_as(tenant_a.user("agent", tenant_a.department())["email"])
    r = agent.patch("/api/tenant", {"name": "Hack", "timezone": "UTC", "country": "BR"})
    assert r.status_code == 403


def test_the_options_name_the_dev_mail_sink_on_a_local_stage(client):
    assert client.get("/api/auth/options").json() == {"mail_sink_url": "/dev/mail"}


def test_a_refused_e_mail_changes_no_answer_and_the_admin_can_resend(client, tenant_a, mailbox, new_email,
                                                                    api_runtime, monkeypatch):
    from alrea.ports.email import Email, MailRefused

    admin = verified(client, tenant_a, mailbox)

    class Refusing(Email):
        def send(self, mail):
            raise MailRefused("MessageRejected")

    monkeypatch.setattr(api_runtime, "email", Refusing())
    address = new_email("caio")
    r = invite(admin, address, "admin")
    assert r.status_code == 201 and r.json()["sent"] is False
    assert forgot(client, tenant_a.email).status_code == 202  # the same answer, mail or not
    monkeypatch.setattr(api_runtime, "email", mailbox)
    (pending,) = admin.get("/api/invitations").json()["items"]
    resent = admin.post(f"/api/invitations/{pending['id']}/resend")
    assert resent.status_code == 200 and resent.json()["sent"] is True
    assert last_mail(mailbox, address, "invitation")
