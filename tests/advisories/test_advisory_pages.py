"""Advisory pages and the advisory API on images pushed through the registry's service functions,
indexed, and matched against real PyPA records."""

import shutil

import pytest

from images.oci.build import LayerSpec, image_build
from images.services.authorization import SYSTEM
from images.services.demo import dist_info_layer, image_push
from images.services.indexing import manifest_index
from images.services.repositories import repository_ensure, repository_update
from images.services.vulns import vulnerability_import
from tests.helpers.integration import require_vulndb

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

SITE = "usr/local/lib/python3.11/site-packages"
HOSTILE = """\
id: TEST-2024-1
modified: 2024-05-01T00:00:00Z
published: 2024-04-01
summary: A record whose details try to run script
details: "**Bold** text <script>alert(1)</script> [a link](javascript:alert(1))"
references:
- {type: WEB, url: "https://example.org/advisory"}
- {type: WEB, url: "javascript:alert(1)"}
affected:
- package: {name: urllib3, ecosystem: PyPI}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: "1.0"}, {last_affected: "1.24.3"}]
"""


@pytest.fixture
def advisories(tmp_path, alice):
    """acme/app (public) and alice/secret (private), both with urllib3 1.24.1, indexed, then the PyPA
    urllib3 records and one hand-written record imported."""
    source = tmp_path / "osv"
    shutil.copytree(require_vulndb() / "pypa" / "vulns" / "urllib3", source)
    (source / "TEST-2024-1.yaml").write_text(HOSTILE)
    image = image_build(
        [LayerSpec(dist_info_layer({"urllib3": "1.24.1"}, SITE), "RUN pip install urllib3==1.24.1")], cmd=["python3"]
    )
    from images.models import Namespace

    Namespace.objects.create(name="acme", kind=Namespace.Kind.ORGANIZATION)
    public = repository_ensure(actor=SYSTEM, namespace_name="acme", name="app")
    private = repository_ensure(actor=SYSTEM, namespace_name="alice", name="secret")
    repository_update(actor=alice, repository=private, is_private=True)
    manifests = {}
    for repository in (public, private):
        manifests[repository.name] = image_push(repository=repository, image=image, tag="1.0")
        manifest_index(manifest_id=manifests[repository.name].pk)
    result = vulnerability_import(source=str(source))
    assert not result.failed
    return manifests


def test_an_alias_opens_the_record_with_everything_a_person_needs(client, advisories):
    page = client.get("/advisories/CVE-2021-33503")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1" in html and "PYSEC-2021-108</h1>" in html
    assert "CVE-2021-33503 is an alias of this record." in html
    assert '<span class="alias">GHSA-q2q7-5pp4-w6pg</span>' in html
    assert 'datetime="2021-06-29T11:15:00+00:00"' in html  # published
    assert 'datetime="2021-07-02T18:56:20.858344+00:00"' in html  # modified
    assert "fixed: <code>1.26.5</code>" in html and "introduced: <code>0</code>" in html
    assert "catastrophic backtracking" in html
    digest = advisories["app"].digest
    assert f'href="/r/acme/app/tags/1.0/images/{digest}#vulnerabilities"' in html
    assert "alice/secret" not in html  # a private repository's image, for someone who may not read it
    assert '<link rel="stylesheet"' in html and 'name="viewport"' in html  # the site layout


def test_the_owner_sees_her_private_image_and_another_user_does_not(client, advisories, alice, bob):
    client.force_login(alice)
    assert 'href="/r/alice/secret/tags/1.0/images/' in client.get("/advisories/PYSEC-2021-108").content.decode()
    client.force_login(bob)
    assert "alice/secret" not in client.get("/advisories/PYSEC-2021-108").content.decode()
    answer = client.get("/v2/advisories/PYSEC-2021-108/").json()
    assert [row["repository"] for row in answer["images"]] == ["acme/app"]


def test_details_are_sanitized_and_only_web_links_are_references(client, advisories):
    html = client.get("/advisories/TEST-2024-1").content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)</script>" not in html and "javascript:" not in html
    assert 'href="https://example.org/advisory"' in html
    assert "last affected: <code>1.24.3</code>" in html


def test_an_unknown_id_is_a_readable_404_page(client, advisories):
    page = client.get("/advisories/CVE-1999-0000")
    assert page.status_code == 404
    html = page.content.decode()
    assert "No advisory CVE-1999-0000 here" in html and 'name="viewport"' in html


def test_the_api_answers_by_alias_and_404s_in_json(client, advisories):
    answer = client.get("/v2/advisories/GHSA-q2q7-5pp4-w6pg/")
    assert answer.status_code == 200
    data = answer.json()
    assert data["id"] == "PYSEC-2021-108"
    assert data["aliases"] == ["CVE-2021-33503", "GHSA-q2q7-5pp4-w6pg"]
    assert data["published"] == "2021-06-29T11:15:00Z"
    ecosystem_range = [r for r in data["affected"][0]["ranges"] if r["type"] == "ECOSYSTEM"][0]
    assert ecosystem_range["events"] == [{"kind": "introduced", "version": "0"}, {"kind": "fixed", "version": "1.26.5"}]
    assert data["images"] == [
        {
            "repository": "acme/app",
            "tag": "1.0",
            "digest": advisories["app"].digest,
            "platform": "linux/amd64",
            "package": "urllib3",
            "version": "1.24.1",
            "fixed_version": "1.26.5",
        }
    ]
    missing = client.get("/v2/advisories/CVE-1999-0000/")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("application/json")
    assert "no such advisory" in missing.json()["detail"]


def test_image_findings_show_aliases_and_severity_source_and_link_inside_hub(client, advisories):
    manifest = advisories["app"]
    html = client.get(f"/r/acme/app/tags/1.0/images/{manifest.digest}").content.decode()
    assert 'href="/advisories/PYSEC-2021-108"' in html and "osv.dev" not in html
    assert '<span class="alias">CVE-2021-33503</span> <span class="alias">GHSA-q2q7-5pp4-w6pg</span>' in html
    assert "CVSS 3.1 vector" in html  # PYSEC-2023-192 carries one
    rows = client.get(f"/v2/repositories/acme/app/images/{manifest.digest}/vulnerabilities/?page_size=100").json()
    by_id = {row["id"]: row for row in rows["results"]}
    assert by_id["PYSEC-2021-108"]["known_aliases"] == ["CVE-2021-33503", "GHSA-q2q7-5pp4-w6pg"]
    assert (by_id["PYSEC-2023-192"]["severity"], by_id["PYSEC-2023-192"]["severity_source"]) == (
        "high",
        "CVSS 3.1 vector",
    )
    assert (by_id["PYSEC-2021-108"]["severity"], by_id["PYSEC-2021-108"]["severity_source"]) == ("unknown", "")
