"""The derived per-repository package and finding rows search reads (images/services/repository_contents.py):
they follow pushes, indexing, tag moves and deletes, manifest deletes, advisory imports, and a rebuild, and
always equal what the repository's tags reach in the package and finding rows."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Q

from hub.accounts.services import user_create
from images.models import Finding, Manifest, ManifestReference, Package, RepositoryFinding, RepositoryPackage, Tag
from images.oci.build import index_build
from images.search.service import repository_search
from images.services.demo import image_push
from images.services.indexing import manifest_index
from images.services.manifests import manifest_delete
from images.services.tags import tag_delete
from tests.search.test_posture import CLEAN, VULNERABLE, advisories_import, app_image, push, repo

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def held(repository) -> tuple[set, set]:
    """The derived rows of a repository: (type, name, version) and (advisory, severity, fixable)."""
    packages = set(RepositoryPackage.objects.filter(repository=repository).values_list("type", "name", "version"))
    findings = set(
        RepositoryFinding.objects.filter(repository=repository).values_list(
            "vulnerability__osv_id", "severity", "fixable"
        )
    )
    return packages, findings


def reached(repository) -> tuple[set, set]:
    """The same, from the package and finding rows of the images the repository's tags reach (the definition)."""
    tagged = set(Tag.objects.filter(repository=repository).values_list("manifest_id", flat=True))
    images = tagged | set(ManifestReference.objects.filter(parent_id__in=tagged).values_list("child_id", flat=True))
    packages = set(Package.objects.filter(manifest_id__in=images).values_list("type", "name", "version"))
    findings = {
        (osv_id, severity, bool(fixed))
        for osv_id, severity, fixed in Finding.objects.filter(manifest_id__in=images).values_list(
            "vulnerability__osv_id", "severity", "fixed_version"
        )
    }
    return packages, findings


def found(query: str) -> set[str]:
    return {r.full_name for r in repository_search(user=None, query=query).items}


@pytest.fixture
def root(db):
    return user_create(username="root", password="root-password-1", is_superuser=True)


def test_push_then_index(tmp_path):
    advisories_import(tmp_path)
    repository = repo("acme/app")
    manifest = push(repository, VULNERABLE, index=False)
    assert held(repository) == (set(), set())  # pushed, not indexed: nothing known inside yet
    manifest_index(manifest_id=manifest.pk)
    packages, findings = held(repository)
    assert ("pypi", "Jinja2", "2.10") in packages
    assert ("TEST-CRITICAL-JINJA", "critical", True) in findings
    assert ("TEST-HIGH-OPENSSL", "high", False) in findings
    assert held(repository) == reached(repository)
    assert found("pkg:jinja2<2.10.1") == found("severity:critical fixable:yes") == {"acme/app"}


def test_tags_moved_and_deleted(tmp_path, root):
    advisories_import(tmp_path)
    repository = repo("acme/app")
    push(repository, VULNERABLE, tag="1.0")
    push(repository, CLEAN)
    assert ("pypi", "Jinja2", "2.10") in held(repository)[0] and ("pypi", "Jinja2", "3.1.4") in held(repository)[0]
    assert held(repository) == reached(repository)

    push(repository, CLEAN, tag="1.0")  # 1.0 moves to the clean image: the old one is reached by no tag
    assert held(repository) == reached(repository)
    assert ("pypi", "Jinja2", "2.10") not in held(repository)[0] and held(repository)[1] == set()
    assert found("pkg:jinja2=2.10") == set() and found("pkg:jinja2=3.1.4") == {"acme/app"}

    tag_delete(actor=root, repository=repository, tag="1.0")
    assert held(repository) == reached(repository) != (set(), set())  # `latest` still holds the clean image
    tag_delete(actor=root, repository=repository, tag="latest")
    assert held(repository) == (set(), set())
    assert found("pkg:jinja2") == set()


def test_a_manifest_deleted_by_digest(tmp_path, root):
    advisories_import(tmp_path)
    repository = repo("acme/app")
    vulnerable = push(repository, VULNERABLE, tag="1.0")
    push(repository, CLEAN)
    manifest_delete(actor=root, repository=repository, reference=vulnerable.digest)  # its tag goes with it
    assert held(repository) == reached(repository)
    assert found("severity:critical") == set() and found("pkg:jinja2") == {"acme/app"}


def test_an_index_reaches_its_children(tmp_path):
    advisories_import(tmp_path)
    repository = repo("acme/multi")
    images = [app_image(**VULNERABLE, architecture="amd64"), app_image(**CLEAN, architecture="arm64")]
    index = image_push(repository=repository, image=index_build(images), tag="latest")
    manifest_index(manifest_id=index.pk)
    for child in Manifest.objects.filter(repository=repository, is_index=False):
        manifest_index(manifest_id=child.pk)
    packages, findings = held(repository)
    assert {("pypi", "Jinja2", "2.10"), ("pypi", "Jinja2", "3.1.4")} <= packages
    assert ("TEST-CRITICAL-JINJA", "critical", True) in findings
    assert held(repository) == reached(repository)
    assert found("osv:TEST-CRITICAL-JINJA") == {"acme/multi"}


def test_an_advisory_import_adds_findings(tmp_path):
    repository = repo("acme/app")
    push(repository, VULNERABLE)
    assert held(repository)[1] == set()
    assert found("severity:critical") == set()
    advisories_import(tmp_path)
    assert held(repository) == reached(repository)
    assert ("TEST-CRITICAL-JINJA", "critical", True) in held(repository)[1]
    assert found("severity:critical fixable:yes") == {"acme/app"}


def test_reindex_rebuilds_them(tmp_path):
    advisories_import(tmp_path)
    app, other = repo("acme/app"), repo("acme/other")
    push(app, VULNERABLE)
    push(other, CLEAN)
    expected = {r.pk: held(r) for r in (app, other)}
    RepositoryPackage.objects.all().delete()
    RepositoryFinding.objects.filter(~Q(severity="")).delete()
    RepositoryPackage.objects.create(repository=other, type="deb", name="stale", lname="stale", version="1")
    assert found("pkg:jinja2") == set() and found("pkg:stale") == {"acme/other"}
    call_command("reindex", "--posture", stdout=io.StringIO())
    assert {r.pk: held(r) for r in (app, other)} == expected
    assert found("pkg:jinja2") == {"acme/app", "acme/other"} and found("pkg:stale") == set()
