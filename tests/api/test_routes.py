"""Every named route of the Hub API and the registry resolves to itself: no route is shadowed by another.

Repository names hold slashes, so a path can read as two routes; issue #13 found a valid
`POST .../mirrors/<id>/sync` (with an id the schema allows) resolved to the image route of a repository
`.../mirrors` and answered 405. Each route is reversed with every combination of the sample values below,
route words included wherever a route's own parameter may hold them (a tag named `webhooks`, an id `images`),
and the path must resolve back to that route. A repository name whose last part is a route's word (`app/tags`)
is the one reading left out: its paths are its sub-resource's (images/api/urls.py says which wins).
"""

import itertools
import uuid

import pytest
from django.urls import URLResolver, get_resolver, resolve, reverse

# The words of routes below a repository, and of the registry's routes below a name.
WORDS = ["images", "tags", "mirrors", "webhooks", "stars", "sync", "packages", "vulnerabilities", "sbom", "test",
         "deliveries", "repositories", "groups", "members", "blobs", "uploads", "manifests", "referrers",
         "list", "compare", "storage"]  # fmt: skip
DIGEST = "sha256:" + "a" * 64
NAMES = ["app", "team/app", "a/b/c", *(f"{word}/app" for word in WORDS)]
SAMPLES = {
    "namespace": ["alice", "library"],
    "name": NAMES,
    "repository": NAMES,
    "tag": ["v1", *WORDS],
    "digest": [DIGEST],
    "reference": ["v1", DIGEST, *WORDS],
    "upload_id": [str(uuid.UUID(int=1))],
    "mirror_id": ["7", *WORDS],
    "webhook_id": ["3", *WORDS],
    "token_id": ["5", *WORDS],
    "username": ["bob", *WORDS],
    "org": ["acme"],
    "team": ["release", *WORDS],
    "search_id": ["4", "notices", *WORDS],
    "advisory_id": ["PYSEC-2021-108", "CVE-2021-33503", "GHSA-q2q7-5pp4-w6pg", *WORDS],
}
API_NAMESPACES = ("api", "api-alias")
UNNAMESPACED_API = {"v1-search", "v1-ping", "api-schema", "api-docs", "api-redoc", "api-catalog-search"}


def _named(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name, pattern


def _parameters(pattern) -> list[str]:
    return list(getattr(pattern.pattern, "converters", {})) or list(pattern.pattern.regex.groupindex)


def _cases(urlconf: str | None, keep) -> list[tuple[str, dict]]:
    cases = []
    for name, pattern in _named(get_resolver(urlconf).url_patterns):
        if not keep(name):
            continue
        parameters = _parameters(pattern)
        missing = [p for p in parameters if p not in SAMPLES]
        assert not missing, f"route {name}: add sample values for {missing} to SAMPLES"
        for values in itertools.product(*(SAMPLES[p] for p in parameters)):
            cases.append((name, dict(zip(parameters, values, strict=True))))
    return cases


def _api(name: str) -> bool:
    namespace, _, route = name.rpartition(":")
    return (namespace in API_NAMESPACES and route != "not-found") or name in UNNAMESPACED_API  # not-found: the rest


API_CASES = _cases(None, _api)
REGISTRY_CASES = _cases("images.registry.urls", lambda name: name != "registry-not-found")


def test_the_walk_sees_every_api_route():
    names = {name for name, _ in API_CASES}
    assert {"api:mirror-sync", "api:image-detail", "api:repository-detail", "api-alias:tag-images",
            "api:ns-webhook-test", "api:org-group-repository", "v1-search"} <= names  # fmt: skip
    assert {name for name, _ in REGISTRY_CASES} >= {"registry-blob", "registry-upload", "registry-manifest"}


def _shadowed(cases, urlconf=None) -> list[str]:
    found = []
    for name, kwargs in cases:
        path = reverse(name, kwargs=kwargs, urlconf=urlconf)
        resolved = resolve(path, urlconf=urlconf).view_name
        if resolved != name:
            found.append(f"{path} is {name} but resolves to {resolved}")
    return found


@pytest.mark.parametrize("namespace", API_NAMESPACES + ("",))
def test_every_api_route_resolves_to_itself(namespace):
    cases = [(name, kwargs) for name, kwargs in API_CASES if name.rpartition(":")[0] == namespace]
    assert cases
    shadowed = _shadowed(cases)
    assert not shadowed, "\n".join(shadowed[:20])


def test_every_registry_route_resolves_to_itself():
    shadowed = _shadowed(REGISTRY_CASES, "images.registry.urls")
    assert not shadowed, "\n".join(shadowed[:20])


@pytest.mark.parametrize(
    "path, view",
    [
        ("/v2/repositories/alice/app/mirrors/images/sync/", "api:mirror-sync"),
        ("/v2/repositories/alice/app/tags/webhooks/", "api:tag-detail"),
        ("/v2/repositories/alice/app/webhooks/stars/", "api:webhook-detail"),
        ("/v2/repositories/alice/app/tags/", "api:tag-list"),
    ],
)
def test_a_value_in_a_routes_own_parameter_wins(path, view):
    assert resolve(path).view_name == view
