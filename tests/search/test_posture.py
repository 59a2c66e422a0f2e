"""Security posture: derived from real images indexed by the indexer, kept as findings change, and searched
through the posture facets and the "fewest vulnerabilities" sort on the page and the catalog API."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hub.accounts.services import user_create
from images.models import Manifest, Namespace, Repository
from images.models.catalogue import VULNS_RANK_UNSCANNED
from images.oci.build import LayerSpec, image_build, index_build
from images.search.facets import SearchFilters
from images.search.service import repository_search
from images.services.authorization import SYSTEM
from images.services.demo import dist_info_layer, image_push
from images.services.indexing import manifest_index
from images.services.posture import repositories_posture_refresh
from images.services.repositories import repository_ensure
from images.services.tags import tag_delete
from images.services.vulns import vulnerability_import
from tests.services.test_indexing import DPKG_STATUS, OS_RELEASE, SITE  # the same small Debian image parts

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def advisory(osv_id: str, ecosystem: str, name: str, severity: str, fixed: str = "") -> dict:
    events = [{"introduced": "0"}] + ([{"fixed": fixed}] if fixed else [])
    return {
        "id": osv_id,
        "modified": "2024-01-01T00:00:00Z",
        "database_specific": {"severity": severity},
        "affected": [
            {"package": {"ecosystem": ecosystem, "name": name}, "ranges": [{"type": "ECOSYSTEM", "events": events}]}
        ],
    }


ADVISORIES = [
    advisory("TEST-CRITICAL-JINJA", "PyPI", "jinja2", "CRITICAL", fixed="2.10.1"),
    advisory("TEST-HIGH-OPENSSL", "Debian:12", "openssl", "HIGH"),  # no fix published
    advisory("TEST-MEDIUM-URLLIB3", "PyPI", "urllib3", "MODERATE", fixed="1.26.5"),
]


def advisories_import(tmp_path, records=ADVISORIES):
    folder = tmp_path / f"osv-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    for record in records:
        (folder / f"{record['id']}.json").write_text(json.dumps(record))
    result = vulnerability_import(source=str(folder))
    assert not result.failed
    return result


def app_image(*, debian: bool = True, python: dict | None = None, architecture: str = "amd64"):
    layers = []
    if debian:
        layers.append(LayerSpec({"usr/lib/os-release": OS_RELEASE, "var/lib/dpkg/status": DPKG_STATUS}, "ADD rootfs /"))
    layers.append(LayerSpec(dist_info_layer(python or {"Jinja2": "3.1.4"}, SITE), "RUN pip install"))
    return image_build(layers, architecture=architecture, cmd=["python3"])


VULNERABLE = {"debian": True, "python": {"Jinja2": "2.10", "urllib3": "1.26.0"}}  # critical, high, medium
UNFIXED = {"debian": True, "python": {"Jinja2": "3.1.4"}}  # high, no fix
MEDIUM = {"debian": False, "python": {"urllib3": "1.26.0"}}
CLEAN = {"debian": False, "python": {"Jinja2": "3.1.4"}}


def repo(full_name: str, *, private: bool = False) -> Repository:
    namespace, name = full_name.split("/")
    if not Namespace.objects.filter(name=namespace).exists():
        Namespace.objects.create(name=namespace, kind=Namespace.Kind.ORGANIZATION)
    repository = repository_ensure(actor=SYSTEM, namespace_name=namespace, name=name)
    if private:
        Repository.objects.filter(pk=repository.pk).update(is_private=True)
    return repository


def push(repository: Repository, kind: dict, tag: str = "latest", *, index: bool = True) -> Manifest:
    manifest = image_push(repository=repository, image=app_image(**kind), tag=tag)
    if index:
        manifest_index(manifest_id=manifest.pk)
    return manifest


def posture(repository: Repository) -> dict:
    r = Repository.objects.get(pk=repository.pk)
    return {
        "critical": r.vulns_critical,
        "high": r.vulns_high,
        "medium": r.vulns_medium,
        "low": r.vulns_low,
        "unknown": r.vulns_unknown,
        "fixable": r.vulns_fixable,
        "total": r.vulns_total,
        "sbom": r.has_sbom,
    }


UNSCANNED = dict.fromkeys(("critical", "high", "medium", "low", "unknown", "fixable", "total")) | {"sbom": False}
ZERO = dict.fromkeys(("critical", "high", "medium", "low", "unknown", "fixable", "total"), 0) | {"sbom": True}


# --- derived data --------------------------------------------------------------------------------------


def test_posture_of_an_indexed_image(tmp_path):
    advisories_import(tmp_path)
    repository = repo("acme/app")
    manifest = push(repository, VULNERABLE, index=False)
    assert posture(repository) == UNSCANNED  # pushed, not indexed yet: no claim either way
    assert Repository.objects.get(pk=repository.pk).vulns_rank == VULNS_RANK_UNSCANNED

    manifest_index(manifest_id=manifest.pk)
    assert posture(repository) == {
        "critical": 1,
        "high": 1,
        "medium": 1,
        "low": 0,
        "unknown": 0,
        "fixable": 1,  # the critical one has a fix; the high one has none
        "total": 3,
        "sbom": True,
    }
    scanned = Repository.objects.get(pk=repository.pk).last_scanned_at
    assert scanned is not None and scanned == Manifest.objects.get(pk=manifest.pk).findings_at


def test_an_advisory_import_refreshes_only_the_repositories_it_touches(tmp_path):
    app, other = repo("acme/app"), repo("acme/other")
    push(app, VULNERABLE)
    push(other, {"debian": False, "python": {"requests": "2.31.0"}})
    assert posture(app) == ZERO and posture(other) == ZERO
    before = {r.pk: r.last_scanned_at for r in Repository.objects.all()}

    advisories_import(tmp_path)
    assert posture(app) | {"fixable": None} == {
        **ZERO,
        "critical": 1,
        "high": 1,
        "medium": 1,
        "total": 3,
        "fixable": None,
    }
    assert posture(app)["fixable"] == 1
    assert Repository.objects.get(pk=app.pk).last_scanned_at > before[app.pk]
    assert Repository.objects.get(pk=other.pk).last_scanned_at == before[other.pk]  # no package of it was touched

    # A record updated to "fixed" makes the high one fixable.
    updated = advisory("TEST-HIGH-OPENSSL", "Debian:12", "openssl", "HIGH", fixed="3.0.13-1~deb12u1")
    advisories_import(tmp_path, [updated | {"modified": "2024-02-01T00:00:00Z"}])
    assert posture(app)["fixable"] == 2


def test_a_tag_moved_to_a_clean_image_and_a_deleted_tag(tmp_path):
    advisories_import(tmp_path)
    repository = repo("acme/app")
    push(repository, VULNERABLE, tag="1.0")
    push(repository, VULNERABLE)
    assert posture(repository)["critical"] == 1

    clean = push(repository, CLEAN, index=False)
    assert posture(repository) == UNSCANNED  # `latest` names an image not scanned yet
    manifest_index(manifest_id=clean.pk)
    assert posture(repository) == ZERO

    root = user_create(username="root", password="root-password-1", is_superuser=True)
    tag_delete(actor=root, repository=repository, tag="latest")
    assert posture(repository)["critical"] == 1  # 1.0 is the latest tag now
    tag_delete(actor=root, repository=repository, tag="1.0")
    assert posture(repository) == UNSCANNED


def test_latest_is_the_tag_named_latest_else_the_last_pushed(tmp_path):
    advisories_import(tmp_path)
    repository = repo("acme/app")
    push(repository, VULNERABLE, tag="1.0")
    push(repository, CLEAN, tag="2.0")
    assert posture(repository) == ZERO  # no `latest`: the tag pushed last
    vulnerable = Manifest.objects.get(tags__name="1.0")
    image_push(repository=repository, image=app_image(**VULNERABLE), tag="latest")
    assert Manifest.objects.get(tags__name="latest") == vulnerable
    assert posture(repository)["critical"] == 1  # `latest` wins over a later push of another tag
    push(repository, CLEAN, tag="3.0")
    assert posture(repository)["critical"] == 1


def test_a_multi_platform_tag_counts_each_advisory_once(tmp_path):
    advisories_import(tmp_path)
    repository = repo("acme/app")
    images = [app_image(**VULNERABLE, architecture="amd64"), app_image(**VULNERABLE, architecture="arm64")]
    index = image_push(repository=repository, image=index_build(images), tag="latest")
    children = list(Manifest.objects.filter(repository=repository, is_index=False))
    manifest_index(manifest_id=index.pk)
    manifest_index(manifest_id=children[0].pk)
    first = posture(repository)
    assert (first["total"], first["sbom"]) == (3, False)  # one platform image is not indexed yet
    manifest_index(manifest_id=children[1].pk)
    assert posture(repository) == {**first, "sbom": True}
    assert (first["critical"], first["high"], first["medium"]) == (1, 1, 1)


def test_rebuilding_every_posture(tmp_path):
    advisories_import(tmp_path)
    repository = repo("acme/app")
    push(repository, VULNERABLE)
    expected = posture(repository)
    Repository.objects.update(vulns_critical=None, vulns_total=None, has_sbom=False, vulns_rank=VULNS_RANK_UNSCANNED)
    assert repositories_posture_refresh() == 1
    assert posture(repository) == expected
    Repository.objects.update(vulns_critical=None, has_sbom=False)
    out = io.StringIO()
    call_command("reindex", "--posture", stdout=out)
    assert posture(repository) == expected and "posture refreshed for 1 repositories" in out.getvalue()


# --- facets and sort -----------------------------------------------------------------------------------


@pytest.fixture
def catalogue(tmp_path, bob):
    advisories_import(tmp_path)
    push(repo("acme/vulnerable"), VULNERABLE)
    push(repo("acme/unfixed"), UNFIXED)
    push(repo("acme/medium"), MEDIUM)
    push(repo("acme/clean"), CLEAN)
    push(repo("acme/unscanned"), CLEAN, index=False)
    secret = repository_ensure(actor=SYSTEM, namespace_name="bob", name="secret")
    Repository.objects.filter(pk=secret.pk).update(is_private=True)
    push(secret, CLEAN)


def names(result) -> list[str]:
    return [r.full_name for r in result.items]


def counts(result) -> dict[str, int]:
    return {f.value: f.count for f in result.facets["posture"]}


def search(user=None, posture=(), sort="vulns", **kwargs):
    return repository_search(user=user, filters=SearchFilters(posture=posture, **kwargs), sort=sort)


def test_fewest_vulnerabilities_first_and_unscanned_last(catalogue):
    assert names(search()) == ["acme/clean", "acme/medium", "acme/unfixed", "acme/vulnerable", "acme/unscanned"]


def test_posture_facets_count_what_each_filter_would_leave(catalogue):
    result = search()
    assert counts(result) == {"no_critical_high": 2, "no_fixable": 3, "recently_scanned": 4, "sbom": 4}
    assert [f.label for f in result.facets["posture"]] == [
        "No critical or high",
        "No fixable critical/high",
        "Scanned in the last 7 days",
        "Has SBOM",
    ]

    chosen = search(posture=("no_critical_high",))
    assert names(chosen) == ["acme/clean", "acme/medium"] and chosen.total == 2
    assert counts(chosen) == {"no_critical_high": 2, "no_fixable": 2, "recently_scanned": 2, "sbom": 2}
    assert {f.value: f.selected for f in chosen.facets["posture"]}["no_critical_high"]
    # Other groups count under the posture filter too.
    assert {f.value: f.count for f in chosen.facets["os"]} == {"linux": 2}

    both = search(posture=("no_fixable", "sbom"))
    assert names(both) == ["acme/clean", "acme/medium", "acme/unfixed"]
    assert names(search(posture=("no_fixable",), os=("windows",))) == []


def test_scanned_lately_follows_the_findings_time(catalogue):
    medium = Repository.objects.get(name="medium")
    Manifest.objects.filter(repository=medium).update(findings_at=timezone.now() - timedelta(days=8))
    repositories_posture_refresh(repository_ids=[medium.pk])
    result = search(posture=("recently_scanned",))
    assert "acme/medium" not in names(result) and result.total == 3
    assert counts(search())["recently_scanned"] == 3


def test_private_repositories_count_only_for_those_who_see_them(catalogue, bob):
    assert "bob/secret" not in names(search(posture=("no_critical_high",)))
    mine = search(user=bob, posture=("no_critical_high",))
    assert "bob/secret" in names(mine)
    assert counts(mine)["no_critical_high"] == 3 and counts(search())["no_critical_high"] == 2


def test_search_page_filters_and_sorts_by_posture(client, catalogue):
    html = client.get("/search", {"posture": "no_critical_high", "sort": "vulns"}).content.decode()
    assert html.index('href="/r/acme/clean"') < html.index('href="/r/acme/medium"')
    assert 'href="/r/acme/vulnerable"' not in html and 'href="/r/bob/secret"' not in html
    assert 'value="no_critical_high" checked' in html and "Has SBOM" in html
    assert '<option value="vulns" selected>Fewest vulnerabilities</option>' in html
    everything = client.get("/search", {"sort": "vulns"}).content.decode()
    vulnerable, unscanned = everything.index('href="/r/acme/vulnerable"'), everything.index('href="/r/acme/unscanned"')
    assert "<dd>1 / 1</dd>" in everything[vulnerable:unscanned] and "not scanned" in everything[unscanned:]
    # An unknown posture value is ignored, like any unknown facet value of the page.
    assert client.get("/search", {"posture": "nonsense"}).status_code == 200


def test_catalog_api_filters_counts_and_sorts_by_posture(client, catalogue):
    response = client.get("/v2/search/catalog/", {"posture": "no_fixable,sbom", "sort": "fewest_vulnerabilities"})
    assert response.status_code == 200
    body = response.json()
    assert [r["id"] for r in body["results"]] == ["acme/clean", "acme/medium", "acme/unfixed"]
    assert body["total"] == 3
    facets = {f["value"]: (f["count"], f["selected"]) for f in body["facets"]["posture"]}
    assert facets == {
        "no_critical_high": (2, False),
        "no_fixable": (3, True),
        "recently_scanned": (3, False),
        "sbom": (3, True),
    }
    unfixed = body["results"][2]["posture"]
    assert (unfixed["critical"], unfixed["high"], unfixed["fixable_critical_high"], unfixed["has_sbom"]) == (
        0,
        1,
        0,
        True,
    )

    everything = client.get("/v2/search/catalog/", {"sort": "fewest_vulnerabilities", "order": "asc"}).json()
    assert everything["results"][0]["id"] == "acme/unscanned"
    assert everything["results"][0]["posture"]["total"] is None

    bad = client.get("/v2/search/catalog/", {"posture": "signed"})
    assert bad.status_code == 400 and "posture" in bad.content.decode()
