"""The demo catalogue that the first `make run` seeds."""

import pytest

from images.models import Manifest, Repository
from images.models.catalogue import TrustedContent
from images.models.content import IndexStatus
from images.services.demo import demo_seed
from images.services.indexing import manifest_index
from tests.helpers.integration import require, require_path

pytestmark = pytest.mark.django_db


def test_seeds_once_through_the_push_path_and_indexes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert demo_seed() is True
    names = set(Repository.objects.values_list("namespace__name", "name"))
    assert ("sponsored", "toolbox") in names
    badges = dict(Repository.objects.values_list("name", "trusted_content"))
    assert badges["toolbox"] == TrustedContent.SPONSORED
    # Every stored manifest was queued for the worker on commit, as a push would be.
    assert Manifest.objects.exclude(index_status=IndexStatus.QUEUED).count() == 0
    assert len(callbacks) >= Manifest.objects.count()
    for manifest_id in Manifest.objects.values_list("pk", flat=True):
        assert manifest_index(manifest_id=manifest_id) in (IndexStatus.INDEXED, IndexStatus.SKIPPED)
    toolbox = Manifest.objects.get(repository__name="toolbox", is_index=False)
    assert toolbox.os_ecosystem == "Alpine:v3.18"
    assert set(toolbox.packages.values_list("name", flat=True)) == {"musl", "busybox"}
    assert demo_seed() is False  # a second start adds nothing


def test_debian_based_images_when_this_machine_has_dpkg():
    from images.services.demo import DPKG_STATUS

    require_path(DPKG_STATUS, "without it the demo leaves the Debian images out")
    demo_seed()
    debian = Repository.objects.get(namespace__name="library", name="debian")
    assert debian.trusted_content == TrustedContent.OFFICIAL
    assert set(debian.tags.values_list("name", flat=True)) == {"12", "bookworm", "latest"}
    index = debian.tags.get(name="12").manifest
    assert index.is_index and index.child_links.count() == 2
    webapp = Repository.objects.get(namespace__name="acme", name="webapp")
    assert webapp.trusted_content == TrustedContent.VERIFIED
    image = webapp.tags.get(name="1.9").manifest
    manifest_index(manifest_id=image.pk)
    assert image.packages.filter(type="pypi", name="Jinja2", version="2.10").exists()


def test_the_demo_debian_image_shows_distribution_findings(client):
    from images.models import Finding
    from images.services.demo import DEMO_OS_ADVISORIES, DPKG_STATUS
    from images.services.vulns import vulnerability_import

    require_path(DPKG_STATUS, "without it the demo leaves the Debian images out")
    demo_seed()
    result = vulnerability_import(source=str(DEMO_OS_ADVISORIES))  # as seed_demo does
    assert result.created == 4 and not result.failed
    index = Repository.objects.get(namespace__name="library", name="debian").tags.get(name="12").manifest
    image = index.child_links.get(architecture="amd64").child
    manifest_index(manifest_id=image.pk)
    image.refresh_from_db()
    require(
        image.os_ecosystem in {"Debian:11", "Debian:12", "Debian:13"},
        f"the bundled records cover Debian 11 to 13, not {image.os_ecosystem or 'this OS'}",
    )
    coreutils = Finding.objects.get(
        manifest=image, package__name="coreutils", vulnerability__osv_id="DEBIAN-CVE-2016-2781"
    )
    assert (coreutils.fix_state, coreutils.severity, coreutils.vulnerability.aliases) == (
        "wont_fix",
        "low",
        ["CVE-2016-2781"],
    )
    html = client.get(f"/_/debian/tags/12/images/{image.digest}").content.decode()
    assert "DEBIAN-CVE-2016-2781" in html and "Won&#x27;t fix" in html


def test_the_demo_debian_image_shows_spdx_licences():
    from images.indexing.licenses import spdx_expression
    from images.services.demo import DOC_DIR, DPKG_STATUS

    require_path(DPKG_STATUS, "without it the demo leaves the Debian images out")
    require_path(DOC_DIR, "the licences come from this machine's copyright files")
    demo_seed()
    index = Repository.objects.get(namespace__name="library", name="debian").tags.get(name="12").manifest
    amd64 = index.child_links.get(architecture="amd64").child
    assert manifest_index(manifest_id=amd64.pk) == IndexStatus.INDEXED
    licensed = dict(amd64.packages.filter(type="deb").exclude(licenses="").values_list("name", "licenses"))
    assert licensed, "no Debian package of the demo image has a licence"
    assert all(spdx_expression(expression) == expression for expression in licensed.values())
    if "zlib1g" in licensed:
        assert licensed["zlib1g"] == "Zlib"


def test_the_demo_webapp_shows_cve_ids_and_the_severities_its_records_give(client, tmp_path):
    """The demo's acme/webapp against the bundled PyPA records of its packages: every finding names
    its CVE id beside the PYSEC id, links to Hub's own advisory page, and is Unknown only where the
    record (and no stored alias) gives a severity."""
    import shutil

    from images.indexing.vulns import parse_advisory
    from images.models import Finding
    from images.services.demo import DPKG_STATUS, demo_vulndb
    from images.services.vulns import vulnerability_import
    from tests.helpers.integration import require_vulndb

    require_path(DPKG_STATUS, "without it the demo leaves the Debian images out")
    require_vulndb()
    demo_seed()
    webapp = Repository.objects.get(namespace__name="acme", name="webapp")
    image = webapp.tags.get(name="1.9").manifest
    manifest_index(manifest_id=image.pk)
    for package in ("jinja2", "requests", "urllib3", "pyyaml"):
        shutil.copytree(demo_vulndb() / "pypa" / "vulns" / package, tmp_path / package)
    assert not vulnerability_import(source=str(tmp_path)).failed

    findings = list(Finding.objects.filter(manifest=image).select_related("vulnerability"))
    assert len(findings) == 13
    html = client.get(f"/r/acme/webapp/tags/1.9/images/{image.digest}").content.decode()
    rated = 0
    for finding in findings:
        vulnerability = finding.vulnerability
        cve = [alias for alias in vulnerability.aliases if alias.startswith("CVE-")]
        assert cve and f'<span class="alias">{cve[0]}</span>' in html, vulnerability.osv_id
        assert f'href="/advisories/{vulnerability.osv_id}"' in html
        own = parse_advisory(vulnerability.data)
        assert finding.severity == own.severity.lower(), vulnerability.osv_id
        if own.severity != "UNKNOWN":
            rated += 1
            assert vulnerability.severity_source.startswith("CVSS 3.1 vector")
    assert rated == 3  # the bundled PyPA records of these packages carry three CVSS vectors
    assert html.count("CVSS 3.1 vector") == 3 and "osv.dev" not in html
