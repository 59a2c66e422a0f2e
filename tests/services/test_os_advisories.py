"""Distribution feeds imported through `vulnerability_import`: images indexed from real package
databases get findings with their fix state, and a feed imported again changes nothing."""

import functools
import http.server
import io
import json
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from images.indexing.distro import FeedError
from images.indexing.distro.debian import CODENAMES
from images.models import Finding, Namespace, Package, Vulnerability
from images.models.choices import FixState
from images.oci.build import LayerSpec, image_build
from images.services.authorization import SYSTEM
from images.services.demo import image_push
from images.services.indexing import manifest_index
from images.services.repositories import repository_ensure
from images.services.vulns import vulnerability_import
from tests.helpers.images import debian_image
from tests.helpers.integration import require, require_path

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

FIXTURES = Path(__file__).parent.parent / "indexing" / "fixtures" / "distro"
APK_INSTALLED = """\
P:busybox
V:1.36.1-r1
A:x86_64
L:GPL-2.0-only
o:busybox

P:libcrypto3
V:3.1.4-r0
A:x86_64
L:Apache-2.0
o:openssl

P:musl
V:1.2.4_git20230717-r4
A:x86_64
L:MIT
o:musl

"""
ALPINE_OS_RELEASE = b'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n'


@pytest.fixture
def repository():
    Namespace.objects.create(name="acme", kind=Namespace.Kind.ORGANIZATION)
    return repository_ensure(actor=SYSTEM, namespace_name="acme", name="base")


@pytest.fixture
def debian_manifest(repository):
    require_path(Path("/var/lib/dpkg/status"), "the Debian image is built from this machine's dpkg database")
    manifest = image_push(repository=repository, image=debian_image(), tag="debian")
    manifest_index(manifest_id=manifest.pk)
    manifest.refresh_from_db()
    require(
        manifest.os_ecosystem.startswith("Debian:"),
        f"this machine is not a numbered Debian release ({manifest.os_ecosystem or 'unknown'})",
    )
    return manifest


def tracker_for(manifest, glibc_fixed: str) -> dict:
    """The fixture's real records, with the image's own release and a glibc fix above its glibc."""
    number = manifest.os_ecosystem.split(":")[1]
    codename = {n: name for name, n in CODENAMES.items()}[number]
    document = json.loads((FIXTURES / "debian-tracker-excerpt.json").read_text())
    for issues in document.values():
        for issue in issues.values():
            if "bookworm" in issue["releases"]:
                issue["releases"][codename] = issue["releases"].pop("bookworm")
    document["glibc"]["CVE-2023-4911"]["releases"][codename]["fixed_version"] = glibc_fixed
    return document


def write(path: Path, document: dict) -> str:
    path.write_text(json.dumps(document))
    return str(path)


def test_a_debian_image_gets_tracker_findings_with_their_fix_state(debian_manifest, tmp_path):
    libc6 = Package.objects.get(manifest=debian_manifest, name="libc6")
    assert libc6.source_name == "glibc"
    above = f"{libc6.source_version}+hub1"  # dpkg orders it just above what is installed
    feed = write(tmp_path / "json", tracker_for(debian_manifest, above))

    result = vulnerability_import(source=feed)
    assert result.created == 7 and not result.failed
    assert set(Vulnerability.objects.values_list("source", flat=True)) == {"debian-tracker"}
    findings = Finding.objects.filter(manifest=debian_manifest).select_related("package", "vulnerability")
    looney = findings.get(package=libc6, vulnerability__osv_id="DEBIAN-CVE-2023-4911")
    assert (looney.fixed_version, looney.fix_state, looney.severity) == (above, FixState.FIXED, "high")
    # Every binary package built from glibc is hit, not only libc6.
    glibc_binaries = Package.objects.filter(manifest=debian_manifest, source_name="glibc").count()
    assert findings.filter(vulnerability__osv_id="DEBIAN-CVE-2023-4911").count() == glibc_binaries
    coreutils = findings.get(package__name="coreutils", vulnerability__osv_id="DEBIAN-CVE-2016-2781")
    assert (coreutils.fixed_version, coreutils.fix_state, coreutils.severity) == ("", FixState.WONT_FIX, "low")
    assert coreutils.vulnerability.aliases == ["CVE-2016-2781"]
    before = sorted(findings.values_list("package_id", "vulnerability_id", "fix_state", "fixed_version"))

    again = vulnerability_import(source=feed)  # the same file: nothing changes
    assert (again.created, again.updated, again.removed, again.unchanged) == (0, 0, 0, 7)
    assert sorted(findings.values_list("package_id", "vulnerability_id", "fix_state", "fixed_version")) == before

    # The next snapshot: coreutils' record is gone, glibc turns out never to have been affected.
    document = tracker_for(debian_manifest, "0")
    del document["coreutils"]
    result = vulnerability_import(source=write(tmp_path / "json", document))
    assert (result.removed, result.updated) == (1, 1)
    assert not Vulnerability.objects.filter(osv_id="DEBIAN-CVE-2016-2781").exists()
    assert not findings.filter(vulnerability__osv_id__in=["DEBIAN-CVE-2016-2781", "DEBIAN-CVE-2023-4911"]).exists()
    assert findings.filter(vulnerability__osv_id="DEBIAN-CVE-2010-4756", fix_state=FixState.WONT_FIX).exists()


def test_an_image_indexed_after_the_import_gets_the_findings_too(repository, tmp_path):
    require_path(Path("/var/lib/dpkg/status"), "the Debian image is built from this machine's dpkg database")
    vulnerability_import(source=str(FIXTURES / "debian-tracker-excerpt.json"), feed_format="debian")
    manifest = image_push(repository=repository, image=debian_image(marker="later"), tag="later")
    manifest_index(manifest_id=manifest.pk)
    manifest.refresh_from_db()
    require(manifest.os_ecosystem == "Debian:12", "the fixture's open records are for bookworm")
    assert Finding.objects.filter(
        manifest=manifest, package__name="coreutils", vulnerability__osv_id="DEBIAN-CVE-2016-2781"
    ).exists()


def alpine_image():
    layer = LayerSpec(
        {"lib/apk/db/installed": APK_INSTALLED.encode(), "etc/os-release": ALPINE_OS_RELEASE},
        "ADD alpine-minirootfs.tar.gz /",
    )
    return image_build([layer], cmd=["/bin/sh"])


def test_an_alpine_image_gets_secdb_findings_by_origin_and_release(repository):
    manifest = image_push(repository=repository, image=alpine_image(), tag="alpine")
    manifest_index(manifest_id=manifest.pk)
    manifest.refresh_from_db()
    assert manifest.os_ecosystem == "Alpine:v3.19"
    result = vulnerability_import(source=str(FIXTURES / "alpine-v3.19-main-excerpt.json"))
    assert not result.failed and result.created > 0
    found = set(
        Finding.objects.filter(manifest=manifest).values_list(
            "package__name", "vulnerability__osv_id", "fixed_version", "fix_state"
        )
    )
    assert found == {
        ("busybox", "ALPINE-CVE-2022-48174", "1.36.1-r2", "fixed"),
        ("busybox", "ALPINE-CVE-2023-42363", "1.36.1-r17", "fixed"),
        ("busybox", "ALPINE-CVE-2023-42366", "1.36.1-r17", "fixed"),
        ("libcrypto3", "ALPINE-CVE-2023-5678", "3.1.4-r1", "fixed"),  # by origin: openssl
        ("libcrypto3", "ALPINE-CVE-2024-0727", "3.1.4-r5", "fixed"),
    }  # CVE-2023-5363 is fixed in 3.1.4-r0, the installed version; "0" entries never affect
    # Another release's file sits beside it and changes nothing for a v3.19 image.
    vulnerability_import(source=str(FIXTURES / "alpine-v3.20-main-excerpt.json"))
    assert Finding.objects.filter(manifest=manifest).count() == len(found)
    assert vulnerability_import(source=str(FIXTURES / "alpine-v3.19-main-excerpt.json")).updated == 0


def test_a_feed_from_a_url_told_by_its_content(tmp_path):
    served = tmp_path / "tracker" / "data"
    served.mkdir(parents=True)
    (served / "json").write_bytes((FIXTURES / "debian-tracker-excerpt.json").read_bytes())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = vulnerability_import(source=f"http://127.0.0.1:{server.server_port}/tracker/data/json")
    finally:
        server.shutdown()
    assert result.created == 7


def test_the_command_takes_a_format_and_refuses_the_wrong_one(tmp_path):
    out = io.StringIO()
    call_command("import_vulns", str(FIXTURES / "alpine-v3.19-main-excerpt.json"), "--format=alpine", stdout=out)
    assert "new" in out.getvalue()
    assert Vulnerability.objects.filter(source="alpine-secdb").exists()
    with pytest.raises(CommandError, match="not the Debian security tracker.s JSON"):
        call_command("import_vulns", str(FIXTURES / "alpine-v3.19-main-excerpt.json"), "--format=debian")
    with pytest.raises(FeedError, match="not JSON"):
        (tmp_path / "broken.json").write_text("{broken")
        vulnerability_import(source=str(tmp_path / "broken.json"), feed_format="alpine")
