"""Curation: verification checked for real (a DNS server and a website on loopback), reviewed by a curator,
badges granted and revoked everywhere at once, reminders mailed, every decision in the audit log."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from dnslib import QTYPE, RR, TXT
from dnslib.server import BaseResolver, DNSServer

from images.models import AuditLogEntry, Namespace, Repository, VerificationRequest
from images.services.curation import (
    dns_txt_check,
    http_file_check,
    official_set,
    sponsored_grant,
    verification_apply,
    verification_approve,
    verification_reject,
    verification_reminders_send,
)
from images.services.repositories import repository_create
from images.tasks import trusted_content_refresh_task
from tests.helpers.integration import free_port

pytestmark = pytest.mark.django_db


class Records(BaseResolver):
    """Answers TXT queries from a dict; NXDOMAIN for anything else."""

    def __init__(self):
        self.txt: dict[str, list[str]] = {}

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).rstrip(".")
        if request.q.qtype == QTYPE.TXT and name in self.txt:
            for value in self.txt[name]:
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(value), ttl=60))
        elif name not in self.txt:
            reply.header.rcode = 3  # NXDOMAIN
        return reply


@pytest.fixture
def dns_server(settings):
    records = Records()
    port = free_port()
    server = DNSServer(records, port=port, address="127.0.0.1")
    server.start_thread()
    settings.HUB_VERIFICATION_DNS_RESOLVER = f"127.0.0.1:{port}"
    settings.HUB_VERIFICATION_TIMEOUT = 3
    yield records
    server.stop()


def test_dns_check_against_a_real_dns_server(dns_server):
    assert dns_txt_check(domain="acme.test", token="abc")[0] is False  # NXDOMAIN
    dns_server.txt["_hub-verification.acme.test"] = ["v=spf1 -all", "hub-verification=other"]
    passed, detail = dns_txt_check(domain="acme.test", token="abc")
    assert not passed and "none holds the token" in detail
    dns_server.txt["_hub-verification.acme.test"].append("hub-verification=abc")
    assert dns_txt_check(domain="acme.test", token="abc") == (True, "_hub-verification.acme.test: TXT record found")


def test_dns_check_when_the_resolver_does_not_answer(settings):
    settings.HUB_VERIFICATION_DNS_RESOLVER = f"127.0.0.1:{free_port()}"
    settings.HUB_VERIFICATION_TIMEOUT = 1
    passed, detail = dns_txt_check(domain="acme.test", token="abc")
    assert not passed and "lookup failed" in detail


def test_file_check_against_a_real_website(receiver):
    assert http_file_check(website=receiver.url, token="abc")[0] is False  # 404
    receiver.files["/.well-known/hub-verification.txt"] = b"wrong\n"
    assert http_file_check(website=receiver.url, token="abc")[0] is False
    receiver.files["/.well-known/hub-verification.txt"] = b"abc\n"
    assert http_file_check(website=receiver.url + "/", token="abc")[0] is True


def test_only_an_organizations_owner_applies(alice, bob, acme):
    with pytest.raises(PermissionDenied):
        verification_apply(
            user=bob, namespace=acme, website="https://acme.test", contact_email="a@acme.test", method="dns"
        )
    with pytest.raises(PermissionDenied):  # a user namespace is not an organization
        verification_apply(
            user=alice, namespace=alice.namespace, website="https://a.test", contact_email="a@a.test", method="dns"
        )
    with pytest.raises(ValidationError):
        verification_apply(
            user=alice, namespace=acme, website="ftp://acme.test", contact_email="a@acme.test", method="dns"
        )


def test_apply_check_approve_and_the_badge_appears_everywhere(
    client, alice, carol, acme, dns_server, eager, django_capture_on_commit_callbacks
):
    repository_create(actor=alice, namespace=acme, name="tool", short_description="The acme tool")
    repository_create(actor=alice, namespace=acme, name="cli")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/console/verification/acme",
            {"website": "https://acme.test/", "contact_email": "ops@acme.test", "method": "dns"},
        )
    assert response.status_code == 302
    application = VerificationRequest.objects.get()
    assert application.check_passed is False  # checked at once by the (eager) worker: no record yet
    page = client.get("/console/verification/acme").content.decode()
    assert f"hub-verification={application.token}" in page and "_hub-verification.acme.test" in page

    dns_server.txt["_hub-verification.acme.test"] = [f"hub-verification={application.token}"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/console/verification/acme/recheck")
    application.refresh_from_db()
    assert application.check_passed is True and "TXT record found" in application.check_detail

    client.force_login(carol)
    queue = client.get("/curation/").content.decode()
    assert "acme" in queue and "passed" in queue
    response = client.post(
        f"/curation/requests/{application.pk}", {"decision": "approve", "note": "checked", "days": ""}
    )
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.verified_until > timezone.now() + timedelta(days=360)
    assert set(Repository.objects.filter(namespace=acme).values_list("trusted_content", flat=True)) == {"verified"}
    assert "Verified Publisher" in client.get("/search?q=tool").content.decode()
    entry = AuditLogEntry.objects.get(action="verification.approve")
    assert (entry.actor_name, entry.namespace, entry.note, entry.before) == (
        "carol",
        acme,
        "checked",
        {"verified_until": None},
    )

    # Revocation takes the badge off every repository of the organization at once.
    assert client.post("/curation/verified/acme/revoke", {"note": "domain lapsed"}).status_code == 302
    assert set(Repository.objects.filter(namespace=acme).values_list("trusted_content", flat=True)) == {""}
    assert VerificationRequest.objects.get().status == "revoked"
    assert AuditLogEntry.objects.get(action="verification.revoke").note == "domain lapsed"

    # The organization's owner sees these decisions in its audit log.
    client.force_login(alice)
    audit = client.get("/console/audit/acme").content.decode()
    assert "verification.approve" in audit and "verification.revoke" in audit


def test_reject_needs_a_note_and_is_recorded(alice, carol, acme):
    application = verification_apply(
        user=alice, namespace=acme, website="https://acme.test", contact_email="ops@acme.test", method="http"
    )
    with pytest.raises(ValidationError):
        verification_reject(curator=carol, request=application, note=" ")
    verification_reject(curator=carol, request=application, note="no file on the website")
    application.refresh_from_db()
    assert application.status == "rejected" and application.review_note == "no file on the website"
    assert AuditLogEntry.objects.get(action="verification.reject").note == "no file on the website"
    with pytest.raises(ValidationError):
        verification_approve(curator=carol, request=application)


def test_curation_is_for_curators_only(client, alice, bob, carol, acme):
    application = verification_apply(
        user=alice, namespace=acme, website="https://acme.test", contact_email="ops@acme.test", method="dns"
    )
    for user in (alice, bob):
        client.force_login(user)
        assert client.get("/curation/").status_code == 403
        assert client.post(f"/curation/requests/{application.pk}", {"decision": "approve"}).status_code == 403
        with pytest.raises(PermissionDenied):
            verification_approve(curator=user, request=application)
    client.logout()
    assert client.get("/curation/").status_code == 302
    client.force_login(carol)
    assert client.get("/curation/").status_code == 200
    assert carol.has_perm("images.curate_trusted_content")
    assert sorted(p.codename for p in carol.groups.get().permissions.all()) == ["curate_trusted_content"]


def test_reminders_go_to_the_owners_once_before_expiry(alice, carol, acme):
    application = verification_apply(
        user=alice, namespace=acme, website="https://acme.test", contact_email="ops@acme.test", method="dns"
    )
    verification_approve(curator=carol, request=application, days=400)
    assert verification_reminders_send() == 0  # far from expiry
    application.refresh_from_db()
    VerificationRequest.objects.filter(pk=application.pk).update(expires_at=timezone.now() + timedelta(days=10))
    assert verification_reminders_send() == 1
    [message] = mail.outbox
    assert set(message.to) == {"alice@example.org", "ops@acme.test"}
    assert "acme" in message.subject and "/console/verification/acme" in message.body
    assert verification_reminders_send() == 0


def test_expired_grants_lose_their_badge_on_the_next_refresh(alice, carol, acme):
    repository_create(actor=alice, namespace=acme, name="tool")
    sponsored_grant(curator=carol, namespace=acme, until=timezone.now() + timedelta(days=30))
    assert Repository.objects.get(name="tool").trusted_content == "sponsored"
    Namespace.objects.filter(pk=acme.pk).update(sponsored_until=timezone.now() - timedelta(minutes=1))
    assert trusted_content_refresh_task() >= 1
    assert Repository.objects.get(name="tool").trusted_content == ""


def test_sponsored_and_official_from_the_curator_console(client, alice, carol, acme):
    repository_create(actor=alice, namespace=acme, name="tool")
    client.force_login(carol)
    until = (timezone.now() + timedelta(days=90)).date().isoformat()
    assert client.post("/curation/sponsored", {"namespace": "acme", "until": until, "note": "OSS"}).status_code == 302
    assert Repository.objects.get(name="tool").trusted_content == "sponsored"
    assert "acme" in client.get("/curation/").content.decode()
    assert client.post("/curation/sponsored", {"namespace": "nobody", "until": until}).status_code == 400
    past = (timezone.now() - timedelta(days=1)).date().isoformat()
    assert client.post("/curation/sponsored", {"namespace": "acme", "until": past}).status_code == 400

    assert client.post("/curation/official", {"repository": "acme/tool", "official": "1"}).status_code == 302
    assert Repository.objects.get(name="tool").trusted_content == "official"
    assert client.post("/curation/official", {"repository": "acme/tool", "official": "0"}).status_code == 302
    assert Repository.objects.get(name="tool").trusted_content == "sponsored"
    assert client.post("/curation/sponsored/acme/revoke").status_code == 302
    assert Repository.objects.get(name="tool").trusted_content == ""
    assert client.post("/curation/official", {"repository": "nope/nope", "official": "1"}).status_code == 400
    actions = list(AuditLogEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-4:] == ["sponsored.grant", "official.grant", "official.revoke", "sponsored.revoke"]


def test_official_images_in_library_are_named_by_name_alone(client, admin, carol):
    from tests.search.catalogue import namespace

    repository = repository_create(actor=admin, namespace=namespace("library"), name="nginx")
    official_set(curator=carol, repository=repository, official=False)
    assert Repository.objects.get(pk=repository.pk).trusted_content == ""
    client.force_login(carol)
    assert client.post("/curation/official", {"repository": "nginx", "official": "1"}).status_code == 302
    assert Repository.objects.get(pk=repository.pk).trusted_content == "official"
    assert "library/nginx" in client.get("/curation/").content.decode()
