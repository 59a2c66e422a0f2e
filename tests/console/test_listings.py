"""The publisher console: create and edit listings, logo, archive, delete tags and repositories, mirrors, audit."""

import io

import pytest
from django.test import Client
from PIL import Image

from images.models import AuditLogEntry, Mirror, Repository, Tag
from images.services.demo import image_push
from images.services.repositories import repository_create
from tests.helpers.images import debian_image

pytestmark = pytest.mark.django_db


def png(width: int, height: int, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def test_create_a_repository_before_the_first_push(signed_in, alice):
    response = signed_in.post(
        "/console/new",
        {
            "namespace": "alice",
            "name": "web",
            "short_description": "A web app",
            "full_description": "# Web\n\nIt serves.",
            "categories": ["web-servers", "security"],
            "source_url": "https://git.example.org/web",
            "docs_url": "",
            "homepage_url": "https://web.example.org",
            "is_private": "1",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/console/r/alice/web/-/settings"
    repository = Repository.objects.get(namespace__name="alice", name="web")
    assert (repository.short_description, repository.is_private) == ("A web app", True)
    assert sorted(repository.categories.values_list("slug", flat=True)) == ["security", "web-servers"]
    assert (repository.source_url, repository.homepage_url) == (
        "https://git.example.org/web",
        "https://web.example.org",
    )
    assert AuditLogEntry.objects.filter(action="repository.create", target="alice/web").exists()
    assert signed_in.get("/console/").content.count(b"alice/web") >= 1


@pytest.mark.parametrize(
    "field, value",
    [
        ("short_description", "x" * 101),
        ("full_description", "x" * 25_001),
        ("categories", ["web-servers", "security", "networking", "mobile"]),
        ("source_url", "javascript:alert(1)"),
        ("name", "Not A Name"),
    ],
)
def test_create_refuses_bad_input(signed_in, field, value):
    data = {"namespace": "alice", "name": "web", "is_private": "0", field: value}
    assert signed_in.post("/console/new", data).status_code == 400
    assert not Repository.objects.filter(namespace__name="alice").exists()


def test_nobody_creates_in_someone_elses_namespace(client, alice, bob):
    client.force_login(bob)
    assert client.post("/console/new", {"namespace": "alice", "name": "x", "is_private": "0"}).status_code == 400
    assert not Repository.objects.filter(namespace__name="alice").exists()


def test_edit_a_repository_created_by_a_push(signed_in, alice):
    repository = repository_create(actor=alice, namespace=alice.namespace, name="api")
    image_push(repository=repository, image=debian_image(marker="edit"), tag="1.0", pushed_by=alice)
    url = "/console/r/alice/api/-/settings"
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(
        url,
        {
            "short_description": "The API",
            "full_description": "## Usage\n\n`docker run api`",
            "categories": ["developer-tools"],
            "docs_url": "https://docs.example.org",
            "is_private": "1",
        },
    )
    assert response.status_code == 302
    repository.refresh_from_db()
    assert (repository.short_description, repository.docs_url, repository.is_private) == (
        "The API",
        "https://docs.example.org",
        True,
    )
    assert list(repository.categories.values_list("slug", flat=True)) == ["developer-tools"]
    entry = AuditLogEntry.objects.get(action="repository.visibility")
    assert (entry.before, entry.after, entry.actor_name) == ({"is_private": False}, {"is_private": True}, "alice")
    page = signed_in.get("/r/alice/api").content.decode()
    assert "Usage" in page and "The API" in page


def test_the_preview_is_sanitized_markdown(signed_in):
    response = signed_in.post(
        "/console/preview", {"full_description": "**bold** <script>alert(1)</script> [x](javascript:alert(2))"}
    )
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html


def test_console_forms_need_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/console/new", {"namespace": "alice", "name": "x", "is_private": "0"}).status_code == 403


def test_logo_is_validated_and_resized(signed_in, alice, client):
    repository = repository_create(actor=alice, namespace=alice.namespace, name="logo")
    url = "/console/r/alice/logo/-/logo"
    response = signed_in.post(url, {"logo": upload("big.jpg", png(1024, 512, "JPEG"))})
    assert response.status_code == 302
    served = signed_in.get("/console/r/alice/logo/-/logo.png")
    assert served["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(served.streaming_content if served.streaming else [served.content]))) as logo:
        assert (logo.format, logo.size) == ("PNG", (256, 128))

    assert signed_in.post(url, {"logo": upload("x.png", b"<svg onload=alert(1)>")}).status_code == 400
    assert signed_in.post(url, {"logo": upload("x.png", png(10, 10)[:40])}).status_code == 400
    repository.refresh_from_db()
    assert repository.logo is not None  # the earlier logo is kept

    Repository.objects.filter(pk=repository.pk).update(is_private=True)
    client.logout()
    assert client.get("/console/r/alice/logo/-/logo.png").status_code == 404


def test_archive_is_recorded(signed_in, alice):
    repository = repository_create(actor=alice, namespace=alice.namespace, name="old")
    assert signed_in.post("/console/r/alice/old/-/archive", {"archived": "1"}).status_code == 302
    repository.refresh_from_db()
    assert repository.archived
    assert AuditLogEntry.objects.get(action="repository.archive").after == {"archived": True}
    assert "Archived" in signed_in.get("/r/alice/old").content.decode()


def test_delete_a_tag_with_confirmation(signed_in, alice):
    repository = repository_create(actor=alice, namespace=alice.namespace, name="tags")
    manifest = image_push(repository=repository, image=debian_image(marker="t"), tag="1.0", pushed_by=alice)
    image_push(repository=repository, image=debian_image(marker="t"), tag="latest", pushed_by=alice)
    url = "/console/r/alice/tags/-/tags/1.0/delete"
    assert manifest.digest in signed_in.get(url).content.decode()
    assert signed_in.post(url, {"confirm": "latest"}).status_code == 400
    assert signed_in.post(url, {"confirm": "1.0"}).status_code == 302
    assert list(Tag.objects.filter(repository=repository).values_list("name", flat=True)) == ["latest"]
    entry = AuditLogEntry.objects.get(action="tag.delete")
    assert (entry.target, entry.before["digest"], entry.actor_name) == ("alice/tags:1.0", manifest.digest, "alice")


def test_delete_a_repository_with_confirmation(signed_in, alice):
    repository = repository_create(actor=alice, namespace=alice.namespace, name="gone")
    manifest = image_push(repository=repository, image=debian_image(marker="g"), tag="v1", pushed_by=alice)
    url = "/console/r/alice/gone/-/delete"
    assert "1 tag" in signed_in.get(url).content.decode()
    assert signed_in.post(url, {"confirm": "gone"}).status_code == 400
    assert signed_in.post(url, {"confirm": "alice/gone"}).status_code == 302
    assert not Repository.objects.filter(pk=repository.pk).exists()
    entry = AuditLogEntry.objects.get(action="repository.delete")
    assert entry.before["tags"] == {"v1": manifest.digest}
    assert entry.namespace.name == "alice"


def test_people_without_rights_get_nothing(client, alice, bob):
    repository_create(actor=alice, namespace=alice.namespace, name="public")
    repository_create(actor=alice, namespace=alice.namespace, name="secret", is_private=True)
    client.force_login(bob)
    assert client.get("/console/r/alice/public/-/settings").status_code == 403
    assert client.post("/console/r/alice/public/-/delete", {"confirm": "alice/public"}).status_code == 403
    assert client.get("/console/r/alice/secret/-/settings").status_code == 404
    assert Repository.objects.filter(namespace__name="alice").count() == 2
    client.logout()
    assert client.get("/console/r/alice/public/-/settings").status_code == 302  # to sign in


def test_organization_roles_in_the_console(client, alice, bob, acme):
    """Editors edit listings; visibility, deletion, webhooks and mirrors are for owners."""
    client.force_login(bob)
    response = client.post("/console/new", {"namespace": "acme", "name": "tool", "is_private": "0"})
    assert response.status_code == 302
    settings_url = "/console/r/acme/tool/-/settings"
    assert client.post(settings_url, {"short_description": "Tool", "is_private": "0"}).status_code == 302
    assert Repository.objects.get(name="tool").short_description == "Tool"
    assert client.post(settings_url, {"short_description": "Tool", "is_private": "1"}).status_code == 403
    assert client.get("/console/r/acme/tool/-/delete").status_code == 403
    assert client.get("/console/r/acme/tool/-/webhooks").status_code == 403
    assert client.get("/console/audit/acme").status_code == 403
    client.force_login(alice)
    assert client.post(settings_url, {"short_description": "Tool", "is_private": "1"}).status_code == 302
    audit = client.get("/console/audit/acme").content.decode()
    assert "repository.visibility" in audit and "repository.create" in audit


def test_audit_pages_show_a_namespace_to_its_owners_and_everything_to_admins(client, alice, bob, admin):
    repository_create(actor=alice, namespace=alice.namespace, name="a")
    repository_create(actor=bob, namespace=bob.namespace, name="b")
    client.force_login(alice)
    page = client.get("/console/audit/alice").content.decode()
    assert "alice/a" in page and "bob/b" not in page
    assert client.get("/console/audit/bob").status_code == 403
    assert client.get("/console/audit").status_code == 403
    client.force_login(admin)
    page = client.get("/console/audit").content.decode()
    assert "alice/a" in page and "bob/b" in page


def test_add_a_mirror_and_sync_it_now(signed_in, alice):
    repository_create(actor=alice, namespace=alice.namespace, name="mirrored")
    url = "/console/r/alice/mirrored/-/mirrors"
    response = signed_in.post(
        url,
        {
            "upstream": "registry.example.org/team/app",
            "tag_filter_kind": "regex",
            "tag_filter": r"1\.[0-9]+",
            "username": "robot",
            "password": "upstream-pass",
            "sync_interval_minutes": "30",
        },
    )
    assert response.status_code == 302
    mirror = Mirror.objects.get()
    assert (mirror.upstream_registry, mirror.upstream_repository) == ("registry.example.org", "team/app")
    assert (mirror.tag_filter_kind, mirror.status, mirror.sync_interval_minutes) == ("regex", "queued", 30)
    page = signed_in.get(url).content.decode()
    assert "registry.example.org/team/app" in page and "upstream-pass" not in page
    Mirror.objects.filter(pk=mirror.pk).update(status="failed", status_detail="upstream down")
    assert signed_in.post(f"{url}/{mirror.pk}/sync").status_code == 302
    assert Mirror.objects.get().status == "queued"
    row = signed_in.get(f"{url}/{mirror.pk}/status").content.decode()
    assert "Queued" in row and "hx-trigger" in row
    bad = signed_in.post(
        url, {"upstream": "x", "tag_filter_kind": "regex", "tag_filter": "(", "sync_interval_minutes": 30}
    )
    assert bad.status_code == 400


def test_the_repository_page_links_to_the_console_for_its_editors(client, alice, bob):
    repository_create(actor=alice, namespace=alice.namespace, name="linked")
    client.force_login(alice)
    assert b'href="/console/r/alice/linked/-/settings"' in client.get("/r/alice/linked").content
    client.force_login(bob)
    assert b"/console/r/alice/linked" not in client.get("/r/alice/linked").content
