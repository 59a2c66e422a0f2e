"""The indexing service on images pushed through the registry's own service functions."""

import gzip
import io
import tarfile
from datetime import timedelta

import pytest
from django.utils import timezone

from images.models import Finding, Layer, Manifest, Namespace, Package, Vulnerability
from images.models.content import IndexStatus
from images.oci.build import LayerSpec, image_build, index_build
from images.services.authorization import SYSTEM
from images.services.demo import dist_info_layer, image_push
from images.services.indexing import manifest_index, manifest_index_claim, manifest_index_enqueue
from images.services.repositories import repository_ensure
from images.services.vulns import vulnerability_import

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DPKG_STATUS = b"""Package: base-files
Status: install ok installed
Priority: required
Architecture: amd64
Version: 12.4+deb12u5

Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u2

"""
OS_RELEASE = b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'
SITE = "usr/local/lib/python3.11/site-packages"
JINJA_ADVISORY = """\
id: PYSEC-2019-217
modified: "2021-01-01T00:00:00Z"
details: In Pallets Jinja before 2.10.1, str.format_map allows a sandbox escape.
affected:
- package: {name: jinja2, ecosystem: PyPI}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: "0"}, {fixed: 2.10.1}]
"""


@pytest.fixture
def repository():
    Namespace.objects.create(name="acme", kind=Namespace.Kind.ORGANIZATION)
    return repository_ensure(actor=SYSTEM, namespace_name="acme", name="app")


def app_image(jinja="2.10"):
    return image_build(
        [
            LayerSpec({"usr/lib/os-release": OS_RELEASE, "var/lib/dpkg/status": DPKG_STATUS}, "ADD rootfs.tar /"),
            LayerSpec(dist_info_layer({"Jinja2": jinja}, SITE), f"RUN pip install Jinja2=={jinja}"),
        ],
        env=["A=1"],
        cmd=["python3"],
    )


def test_push_queues_indexing_on_commit(repository, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        manifest = image_push(repository=repository, image=app_image(), tag="1.0")
    assert Manifest.objects.get(pk=manifest.pk).index_status == IndexStatus.QUEUED
    assert len(callbacks) >= 1


def test_indexes_history_layers_os_and_packages_with_their_layer(repository):
    manifest = image_push(repository=repository, image=app_image(), tag="1.0")
    assert manifest_index(manifest_id=manifest.pk) == IndexStatus.INDEXED
    manifest.refresh_from_db()
    assert (manifest.os, manifest.architecture, manifest.os_ecosystem) == ("linux", "amd64", "Debian:12")
    assert manifest.os_name == "Debian GNU/Linux 12 (bookworm)"
    assert manifest.compressed_size > 0 and manifest.indexed_at is not None

    layers = list(manifest.layers.all())
    assert [(layer.created_by, layer.empty_layer) for layer in layers] == [
        ("ADD rootfs.tar /", False),
        ("RUN pip install Jinja2==2.10", False),
        ('CMD ["python3"]', True),
    ]
    packages = {(p.type, p.name): p for p in manifest.packages.select_related("layer")}
    assert set(packages) == {("deb", "base-files"), ("deb", "libssl3"), ("pypi", "Jinja2")}
    assert packages[("deb", "libssl3")].source_name == "openssl"
    assert packages[("deb", "libssl3")].layer.position == 0
    assert packages[("pypi", "Jinja2")].layer.position == 1
    assert packages[("pypi", "Jinja2")].purl == "pkg:pypi/jinja2@2.10"


def test_indexing_twice_gives_the_same_rows(repository):
    manifest = image_push(repository=repository, image=app_image(), tag="1.0")
    manifest_index(manifest_id=manifest.pk)
    first = (Layer.objects.count(), Package.objects.count())
    assert manifest_index(manifest_id=manifest.pk) == "busy"  # done already: a duplicate task stops
    assert manifest_index(manifest_id=manifest.pk, force=True) == IndexStatus.INDEXED
    assert (Layer.objects.count(), Package.objects.count()) == first


def test_a_live_claim_keeps_other_runs_out_until_its_heartbeat_goes_stale(repository, settings):
    manifest = image_push(repository=repository, image=app_image(), tag="1.0")
    assert manifest_index_claim(manifest_id=manifest.pk)
    assert not manifest_index_claim(manifest_id=manifest.pk)
    assert manifest_index(manifest_id=manifest.pk) == "busy"
    stale = timezone.now() - timedelta(seconds=settings.HUB_INDEX_LEASE_SECONDS + 1)
    Manifest.objects.filter(pk=manifest.pk).update(index_heartbeat_at=stale)
    assert manifest_index(manifest_id=manifest.pk) == IndexStatus.INDEXED


def test_a_run_that_was_taken_over_writes_nothing(repository, settings):
    # The first run stalls past its lease (a long layer, a paused machine) and a second run takes
    # the image over and finishes; when the first one resumes, none of its writes may land.
    from images.services.indexing import ClaimLost, _index, _Run

    manifest = image_push(repository=repository, image=app_image(), tag="1.0")
    first = manifest_index_claim(manifest_id=manifest.pk)
    stale = timezone.now() - timedelta(seconds=settings.HUB_INDEX_LEASE_SECONDS + 1)
    Manifest.objects.filter(pk=manifest.pk).update(index_heartbeat_at=stale)
    assert manifest_index(manifest_id=manifest.pk) == IndexStatus.INDEXED
    after_successor = (Layer.objects.count(), Package.objects.count(), Manifest.objects.get(pk=manifest.pk).indexed_at)

    with pytest.raises(ClaimLost):
        _index(Manifest.objects.get(pk=manifest.pk), _Run(manifest.pk, first))
    assert (Layer.objects.count(), Package.objects.count(), Manifest.objects.get(pk=manifest.pk).indexed_at) == (
        after_successor
    )
    assert Manifest.objects.get(pk=manifest.pk).index_status == IndexStatus.INDEXED


def test_findings_from_imported_advisories_and_recomputed_without_pulling(repository, tmp_path):
    manifest = image_push(repository=repository, image=app_image("2.10"), tag="1.0")
    manifest_index(manifest_id=manifest.pk)
    assert Finding.objects.count() == 0
    (tmp_path / "PYSEC-2019-217.yaml").write_text(JINJA_ADVISORY)
    result = vulnerability_import(source=str(tmp_path))
    assert (result.created, result.failed) == (1, [])
    finding = Finding.objects.get()
    assert (finding.package.name, finding.vulnerability.osv_id, finding.fixed_version) == (
        "Jinja2",
        "PYSEC-2019-217",
        "2.10.1",
    )
    fixed = image_push(repository=repository, image=app_image("2.10.1"), tag="1.1")
    manifest_index(manifest_id=fixed.pk)
    assert not Finding.objects.filter(manifest=fixed).exists()


def test_a_withdrawn_version_of_a_stored_record_removes_it_and_its_findings(repository, tmp_path):
    manifest = image_push(repository=repository, image=app_image("2.10"), tag="1.0")
    manifest_index(manifest_id=manifest.pk)
    record = tmp_path / "PYSEC-2019-217.yaml"
    record.write_text(JINJA_ADVISORY)
    vulnerability_import(source=str(tmp_path))
    assert Finding.objects.filter(manifest=manifest).count() == 1
    # Unquoted YAML timestamps, as PyPA writes some: read as datetimes, and still understood.
    record.write_text(
        JINJA_ADVISORY.replace('modified: "2021-01-01T00:00:00Z"', "modified: 2022-01-01T00:00:00Z")
        + "withdrawn: 2022-01-01T00:00:00Z\n"
    )
    result = vulnerability_import(source=str(tmp_path))
    assert (result.removed, result.created) == (1, 0)
    assert not Vulnerability.objects.exists() and not Finding.objects.exists()
    assert vulnerability_import(source=str(tmp_path)).created == 0  # and it does not come back


GHSA_RECORD = """{{"id": "GHSA-462w-v97r-4m45", "modified": "{modified}", "aliases": ["CVE-2019-10906"],
 "database_specific": {{"severity": "HIGH"}}{withdrawn},
 "affected": [{{"package": {{"ecosystem": "PyPI", "name": "jinja2"}},
   "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "2.10.1"}}]}}]}}]}}
"""


def test_a_record_without_severity_takes_its_aliases_and_gives_it_back(repository, tmp_path):
    manifest = image_push(repository=repository, image=app_image("2.10"), tag="1.0")
    manifest_index(manifest_id=manifest.pk)
    pysec = tmp_path / "pypa"
    pysec.mkdir()
    (pysec / "PYSEC-2019-217.yaml").write_text(JINJA_ADVISORY + "aliases: [CVE-2019-10906, GHSA-462w-v97r-4m45]\n")
    vulnerability_import(source=str(pysec))
    assert Finding.objects.get().severity == "unknown"
    assert Vulnerability.objects.get().severity_source == ""

    github = tmp_path / "github"
    github.mkdir()
    (github / "GHSA-462w-v97r-4m45.json").write_text(GHSA_RECORD.format(modified="2023-01-01T00:00:00Z", withdrawn=""))
    vulnerability_import(source=str(github))
    sources = dict(Vulnerability.objects.values_list("osv_id", "severity_source"))
    assert sources == {
        "PYSEC-2019-217": "via alias GHSA-462w-v97r-4m45 (GitHub database_specific)",
        "GHSA-462w-v97r-4m45": "GitHub database_specific",
    }
    assert dict(Finding.objects.values_list("vulnerability__osv_id", "severity")) == {
        "PYSEC-2019-217": "high",
        "GHSA-462w-v97r-4m45": "high",
    }
    # Found by a shared CVE id too, whichever direction names the other.
    assert Vulnerability.objects.filter(alias_rows__alias="CVE-2019-10906").count() == 2

    withdrawn = ', "withdrawn": "2023-02-01T00:00:00Z"'
    (github / "GHSA-462w-v97r-4m45.json").write_text(
        GHSA_RECORD.format(modified="2023-02-01T00:00:00Z", withdrawn=withdrawn)
    )
    vulnerability_import(source=str(github))
    assert list(Vulnerability.objects.values_list("osv_id", "severity", "severity_source")) == [
        ("PYSEC-2019-217", "unknown", "")
    ]
    assert Finding.objects.get().severity == "unknown"


def test_an_index_is_indexed_and_its_children_on_their_own(repository):
    index = index_build([app_image(), image_build([LayerSpec({"a": b"1"}, "ADD a /")], architecture="arm64")])
    manifest = image_push(repository=repository, image=index, tag="multi")
    assert manifest.is_index
    assert manifest_index(manifest_id=manifest.pk) == IndexStatus.INDEXED
    children = Manifest.objects.filter(parent_links__parent=manifest)
    assert children.count() == 2
    for child in children:
        assert manifest_index(manifest_id=child.pk) == IndexStatus.INDEXED
    assert set(children.values_list("architecture", flat=True)) == {"amd64", "arm64"}


def traversal_layer() -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo("../../etc/passwd")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    return gzip.compress(raw.getvalue())


def test_a_hostile_layer_fails_with_the_reason(repository, monkeypatch):
    import images.oci.build as oci

    monkeypatch.setattr(oci, "layer_tar", lambda spec: traversal_layer())
    image = image_build([LayerSpec({}, "ADD evil.tar /")])
    manifest = image_push(repository=repository, image=image, tag="evil")
    assert manifest_index(manifest_id=manifest.pk) == IndexStatus.FAILED
    manifest.refresh_from_db()
    assert "path escapes the image root" in manifest.index_error
    assert not manifest.packages.exists()


def test_an_artifact_is_skipped_not_failed(repository):
    from images.oci.build import canonical_json, sha256
    from images.services.manifests import manifest_put
    from images.services.uploads import blob_put_monolithic

    config = b"{}"
    blob_put_monolithic(repository=repository, digest=sha256(config), stream=io.BytesIO(config), length=2)
    body = canonical_json(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "artifactType": "application/vnd.example.sbom",
            "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": sha256(config), "size": 2},
            "layers": [],
        }
    )
    manifest = manifest_put(
        repository=repository, reference="sbom", content_type="application/vnd.oci.image.manifest.v1+json", body=body
    )
    assert manifest_index(manifest_id=manifest.pk) == IndexStatus.SKIPPED


def test_enqueue_marks_queued(repository, django_capture_on_commit_callbacks):
    manifest = image_push(repository=repository, image=app_image(), tag="1.0")
    manifest_index(manifest_id=manifest.pk)
    with django_capture_on_commit_callbacks():
        manifest_index_enqueue(manifest=manifest)
    assert Manifest.objects.get(pk=manifest.pk).index_status == IndexStatus.QUEUED
