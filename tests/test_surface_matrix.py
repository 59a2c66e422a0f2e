"""Every route of the site against every agent: one row per route, the action it needs, and the answer
each agent must get. The expectations come from the world's table in tests/test_permission_matrix.py
(MATRIX: who may pull, push, delete what), restated here without asking the code.

A route that is added without a row fails test_every_route_has_a_row: give it one (ROUTES), or say
why no repository, namespace or hub-wide rule applies to it (NO_RULE). The registry's routes are
checked by test_permission_matrix.py (token grants and every /v2/ call by action).
"""

import io
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from PIL import Image

from hub.accounts.services import access_token_create, access_token_revoke
from images.models import Repository
from images.services.authorization import (
    ADMINISTER,
    AUDIT_VIEW,
    CURATE,
    EDIT_LISTING,
    ORGANIZATION_MANAGE,
    ORGANIZATION_VIEW,
    PULL,
    SCOPE_NEEDS,
    STORAGE_VIEW,
)
from images.services.curation import verification_apply
from images.services.demo import image_push
from images.services.indexing import manifest_index
from images.services.logos import repository_logo_set
from images.services.mirrors import mirror_create
from images.services.organizations import org_token_create
from images.services.vulns import vulnerability_import
from images.services.webhooks import webhook_create, webhook_test
from tests.helpers.world import MATRIX, PRINCIPALS, REPOSITORIES, USERNAMES, expected, world_build
from tests.search import indexed

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@dataclass(frozen=True)
class Route:
    path: str  # {repo}, {digest}, {mirror}, {webhook}, {request} are filled in per repository
    needs: str  # the action of images.services.authorization it takes
    on: str = "repository"  # or "acme" (the organization) or "hub"
    method: str = "GET"
    api: bool = False  # a Hub API path: 401 for nobody, JSON errors
    login: bool = False  # a page that sends anonymous visitors to sign in
    ok: frozenset = field(default=frozenset({200}))
    hidden: bool = True  # a denied agent who may not see the target gets 404, not 403


R, A = "repository", "acme"
OK_OR_REDIRECT = frozenset({200, 302})
ROUTES = {
    # --- catalogue pages
    "web:repository": Route("/r/{repo}", PULL),
    "web:repository-tags": Route("/r/{repo}/tags", PULL),
    "web:tag": Route("/r/{repo}/tags/latest", PULL, ok=OK_OR_REDIRECT),
    "web:image": Route("/r/{repo}/tags/latest/images/{digest}", PULL),
    "web:image-status": Route("/r/{repo}/tags/latest/images/{digest}/status", PULL),
    "web:image-sbom": Route("/r/{repo}/sbom/{digest}.cdx.json", PULL),
    "web:compare": Route("/r/{repo}/compare/latest...latest", PULL),
    "web:repository-star": Route("/r/{repo}/star", PULL, method="POST", login=True),
    # --- the publisher console
    "console:settings": Route("/console/r/{repo}/-/settings", EDIT_LISTING, login=True),
    "console:logo": Route("/console/r/{repo}/-/logo", EDIT_LISTING, method="POST", login=True),
    "console:logo-image": Route("/console/r/{repo}/-/logo.png", PULL),
    "console:archive": Route("/console/r/{repo}/-/archive", ADMINISTER, method="POST", login=True),
    "console:delete": Route("/console/r/{repo}/-/delete", ADMINISTER, login=True),
    "console:tags": Route("/console/r/{repo}/-/tags", EDIT_LISTING, login=True),
    "console:tag-delete": Route("/console/r/{repo}/-/tags/latest/delete", ADMINISTER, login=True),
    "console:mirrors": Route("/console/r/{repo}/-/mirrors", ADMINISTER, login=True),
    "console:mirror-sync": Route("/console/r/{repo}/-/mirrors/{mirror}/sync", ADMINISTER, method="POST", login=True),
    "console:mirror-status": Route("/console/r/{repo}/-/mirrors/{mirror}/status", ADMINISTER, login=True),
    "console:webhooks": Route("/console/r/{repo}/-/webhooks", ADMINISTER, login=True),
    "console:webhook": Route("/console/r/{repo}/-/webhooks/{webhook}", ADMINISTER, login=True),
    "console:webhook-test": Route("/console/r/{repo}/-/webhooks/{webhook}/test", ADMINISTER, method="POST", login=True),
    "console:webhook-delete": Route(
        "/console/r/{repo}/-/webhooks/{webhook}/delete", ADMINISTER, method="POST", login=True
    ),
    "console:audit": Route("/console/audit/acme", AUDIT_VIEW, on=A, login=True, hidden=False),
    "console:verification": Route("/console/verification/acme", ORGANIZATION_MANAGE, on=A, login=True, hidden=False),
    "console:verification-recheck": Route(
        "/console/verification/acme/recheck", ORGANIZATION_MANAGE, on=A, method="POST", login=True, hidden=False
    ),
    "console:audit-all": Route("/console/audit", AUDIT_VIEW, on="hub", login=True),
    "console:storage": Route("/console/storage/acme", STORAGE_VIEW, on=A, login=True, hidden=False),
    # --- the curator console
    "curation:home": Route("/curation/", CURATE, on="hub", login=True),
    "curation:request": Route("/curation/requests/{request}", CURATE, on="hub", login=True),
    "curation:verified-revoke": Route("/curation/verified/acme/revoke", CURATE, on="hub", method="POST", login=True),
    "curation:sponsored": Route("/curation/sponsored", CURATE, on="hub", method="POST", login=True),
    "curation:sponsored-revoke": Route("/curation/sponsored/acme/revoke", CURATE, on="hub", method="POST", login=True),
    "curation:official": Route("/curation/official", CURATE, on="hub", method="POST", login=True),
    # --- organization pages
    "orgs:detail": Route("/orgs/acme/", ORGANIZATION_VIEW, on=A, login=True),
    "orgs:members": Route("/orgs/acme/members", ORGANIZATION_VIEW, on=A, login=True),
    "orgs:teams": Route("/orgs/acme/teams", ORGANIZATION_VIEW, on=A, login=True),
    "orgs:team": Route("/orgs/acme/teams/writers", ORGANIZATION_VIEW, on=A, login=True),
    "orgs:tokens": Route("/orgs/acme/tokens", ORGANIZATION_MANAGE, on=A, login=True),
    "orgs:token-revoke": Route(
        "/orgs/acme/tokens/{org_token}/revoke", ORGANIZATION_MANAGE, on=A, method="POST", login=True
    ),
    "orgs:settings": Route("/orgs/acme/settings", ORGANIZATION_MANAGE, on=A, login=True),
    # --- the Hub API
    "api:repository-detail": Route("/v2/repositories/{repo}/", PULL, api=True),
    "api:tag-list": Route("/v2/repositories/{repo}/tags/", PULL, api=True),
    "api:tag-detail": Route("/v2/repositories/{repo}/tags/latest/", PULL, api=True),
    "api:tag-images": Route("/v2/repositories/{repo}/tags/latest/images/", PULL, api=True),
    "api:image-detail": Route("/v2/repositories/{repo}/images/{digest}/", PULL, api=True),
    "api:image-packages": Route("/v2/repositories/{repo}/images/{digest}/packages/", PULL, api=True),
    "api:image-vulns": Route("/v2/repositories/{repo}/images/{digest}/vulnerabilities/", PULL, api=True),
    "api:image-sbom": Route("/v2/repositories/{repo}/images/{digest}/sbom/", PULL, api=True),
    "api:repository-stars": Route("/v2/repositories/{repo}/stars/", PULL, api=True),
    "api:repository-compare": Route("/v2/repositories/{repo}/compare/?from=latest&to=latest", PULL, api=True),
    "api:namespace-storage": Route("/v2/namespaces/acme/storage/", STORAGE_VIEW, on=A, api=True, hidden=False),
    "api:mirror-list": Route("/v2/repositories/{repo}/mirrors/", ADMINISTER, api=True),
    "api:mirror-sync": Route("/v2/repositories/{repo}/mirrors/{mirror}/sync/", ADMINISTER, method="POST", api=True),
    "api:webhook-list": Route("/v2/repositories/{repo}/webhooks/", ADMINISTER, api=True),
    "api:webhook-detail": Route("/v2/repositories/{repo}/webhooks/{webhook}/", ADMINISTER, api=True),
    "api:webhook-deliveries": Route("/v2/repositories/{repo}/webhooks/{webhook}/deliveries/", ADMINISTER, api=True),
    "api:webhook-test": Route("/v2/repositories/{repo}/webhooks/{webhook}/test/", ADMINISTER, method="POST", api=True),
    "api:org-detail": Route("/v2/orgs/acme/", ORGANIZATION_VIEW, on=A, api=True),
    "api:org-members": Route("/v2/orgs/acme/members/", ORGANIZATION_VIEW, on=A, api=True),
    "api:org-member": Route("/v2/orgs/acme/members/alice/", ORGANIZATION_VIEW, on=A, api=True),
    "api:org-groups": Route("/v2/orgs/acme/groups/", ORGANIZATION_VIEW, on=A, api=True),
    "api:org-group": Route("/v2/orgs/acme/groups/writers/", ORGANIZATION_VIEW, on=A, api=True),
    "api:org-group-members": Route("/v2/orgs/acme/groups/writers/members/", ORGANIZATION_VIEW, on=A, api=True),
    "api:org-group-member": Route(
        "/v2/orgs/acme/groups/writers/members/tess/", ORGANIZATION_MANAGE, on=A, method="DELETE", api=True
    ),
    "api:org-group-repositories": Route(
        "/v2/orgs/acme/groups/writers/repositories/", ORGANIZATION_VIEW, on=A, api=True
    ),
    "api:org-group-repository": Route(
        "/v2/orgs/acme/groups/writers/repositories/vault/", ORGANIZATION_MANAGE, on=A, method="DELETE", api=True
    ),
}

NO_RULE = {
    "healthz": "the service's own health, no content in it",
    "web:home": "lists through readable_filter (test_permission_matrix: test_pages, test_search)",
    "web:search": "the one search, through readable_filter (test_search; package terms: test_package_search_...)",
    "web:publisher": "a namespace's visible repositories (test_pages)",
    "api:login": "signing in",
    "api:user-detail": "a public profile",
    "api:user-starred": "stars, through readable_filter",
    "api:access-token-list": "the caller's own tokens",
    "api:access-token-detail": "the caller's own tokens",
    "api:search-repositories": "the one search (test_search)",
    "api:search-catalog": "the one search (test_search)",
    "api:repository-create": "PUSH in the namespace (test_api, test_permission_matrix: creates)",
    "api:repository-list": "a namespace's visible repositories (test_api)",
    "api:not-found": "answers 404 for any Hub API path that is not one",
    "v1-search": "the one search (test_v1_search)",
    "v1-ping": "docker's version probe",
    "api-catalog-search": "the one search (test_search)",
    "api-schema": "the public API description",
    "api-docs": "the public API description",
    "api-redoc": "the public API description",
    "login": "signing in",
    "logout": "signing out",
    "console:dashboard": "lists what the user may change (console_namespaces asks PUSH per namespace)",
    "console:repository-new": "creates only in namespaces the user may push to (test_listings)",
    "console:preview": "renders the Markdown the user sent, nothing stored",
    "console:webhook-callback": "the receiver holds the delivery's unguessable id, not a session",
    "orgs:list": "the user's own organizations",
    # Saved searches and CVE alerts: the caller's own (may_manage_saved_search, 404 for another's), and what
    # they tell is searched as their owner (tests/alerts: a private repository is never told to an outsider).
    "api:saved-search-list": "the caller's own saved searches (tests/alerts/test_api)",
    "api:saved-search-detail": "the caller's own saved searches, 404 for another's (tests/alerts/test_api)",
    "api:saved-search-notices": "the caller's own saved searches, 404 for another's (tests/alerts/test_api)",
    "api:cve-alert-settings": "the caller's own CVE alert settings (tests/alerts/test_api)",
    "api:cve-alert-notices": "the caller's own CVE alerts, readable_filter when made (tests/alerts/test_service)",
    "alerts:settings": "the user's own alerts (tests/alerts/test_pages)",
    "alerts:new": "saves a search for the user; matches found as the user (tests/alerts)",
    "alerts:cve": "the user's own CVE alert settings (tests/alerts/test_pages)",
    "alerts:edit": "the user's own saved search, 404 for another's (tests/alerts/test_pages)",
    "alerts:delete": "the user's own saved search, 404 for another's (tests/alerts/test_pages)",
    "alerts:unsubscribe": "a signed token naming one subscription; shows only its name (tests/alerts/test_pages)",
    "web:advisory": "an advisory is public; the images it lists go through readable_filter (test below)",
    "api:advisory-detail": "an advisory is public; the images it lists go through readable_filter (test below)",
}
ACCOUNT_PAGES = "accounts:"  # the signed-in person's own settings, password and tokens; sign-up
ADMIN = "admin:"  # Django's admin: staff, with the model permissions Django checks

# Spellings of the same route: the same view under another name, so the primary name's row covers them.
TWIN_SUFFIXES = ("-noslash", "-official")
TWIN_PREFIXES = ("api-alias:", "api:ns-")


def _routes(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _routes(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern):
            yield (prefix + pattern.name if pattern.name else None), pattern.callback


def _primary(name: str) -> str:
    for twin in TWIN_PREFIXES:
        if name.startswith(twin):
            name = ("api:" if twin == "api:ns-" else "api:") + name.removeprefix(twin)
    for twin in TWIN_SUFFIXES:
        name = name.removesuffix(twin)
    return name


def _view(callback):
    return getattr(callback, "view_class", callback)


def test_every_route_has_a_row():
    callbacks = {}
    for name, callback in _routes():
        if name is None or name.startswith(ADMIN):
            continue
        callbacks.setdefault(name, callback)
    for name, callback in callbacks.items():
        primary = _primary(name)
        if primary.startswith(ACCOUNT_PAGES):
            continue
        assert primary in ROUTES or primary in NO_RULE, f"route {name} has no row in ROUTES or NO_RULE"
        if primary != name:
            assert _view(callbacks[primary]) == _view(callback), f"{name} is not the same view as {primary}"
    assert not set(ROUTES) & set(NO_RULE)
    assert set(ROUTES) | set(NO_RULE) <= {_primary(n) for n in callbacks}, "a row for a route that is gone"


# --- the agents ----------------------------------------------------------------------------------

PEOPLE = PRINCIPALS  # anonymous and the people of the world, signed in with a session
# Credentials the Hub API takes, each for alice (acme's owner, zed/diary's outsider): the scope narrows.
TOKENS = {  # name: (scope, the registry actions it allows)
    "pat-read": ("read", {"pull"}),
    "pat-read-write": ("read-write", {"pull", "push"}),
    "pat-read-write-delete": ("read-write-delete", {"pull", "push", "delete"}),
}
DEAD_TOKENS = ("pat-expired", "pat-revoked", "org-token")  # the API answers 401 to each, whatever the route


def person_actions(principal: str, route: Route, target: str) -> set[str]:
    """What the table says the principal may do to the route's target (restated, not asked of the code)."""
    if principal == "anonymous":
        return {PULL} if route.on == "repository" and "p" in MATRIX["anonymous"][REPOSITORIES.index(target)] else set()
    if route.on == "repository":
        registry = expected(principal, target)
        derived = {EDIT_LISTING} if "push" in registry else set()
        derived |= {ADMINISTER} if "delete" in registry else set()
        return registry | derived
    *_, manage, role = MATRIX[principal]
    if route.on == "acme":
        return ({ORGANIZATION_VIEW} if role else set()) | (
            {ORGANIZATION_MANAGE, AUDIT_VIEW, STORAGE_VIEW} if manage else set()
        )
    return ({CURATE} if principal in ("curator", "admin") else set()) | (
        {AUDIT_VIEW} if principal == "admin" else set()
    )


def expected_statuses(route: Route, actions: set[str], *, signed_in: bool) -> frozenset:
    visible = PULL in actions if route.on == "repository" else ORGANIZATION_VIEW in actions or not route.hidden
    if route.on == "hub":
        visible = True
    if route.api:
        if route.on == "acme" and not signed_in:
            return frozenset({401})
        if not visible:
            return frozenset({404})
        if route.needs not in actions:
            return frozenset({403} if signed_in else {401})
        return route.ok
    if route.login and not signed_in:
        return frozenset({302})
    if not visible:
        return frozenset({404})
    if route.needs not in actions:
        return frozenset({403})
    return route.ok


@pytest.fixture
def world(client):
    return world_build(client)


@pytest.fixture
def surfaces(world):
    users = world["users"]
    alice, root = users["alice"], users["root"]
    ids = {}
    for name in REPOSITORIES:
        namespace, repo = name.split("/")
        repository = Repository.objects.get(namespace__name=namespace, name=repo)
        logo = io.BytesIO()
        Image.new("RGB", (64, 64), (200, 30, 30)).save(logo, format="PNG")
        repository_logo_set(actor=root, repository=repository, data=logo.getvalue())
        mirror = mirror_create(user=root, repository=name, upstream="registry.example.org/team/app")
        webhook, _ = webhook_create(user=root, repository=repository, name="ci", url="https://hooks.example.org/")
        webhook_test(user=root, webhook=webhook)
        ids[name] = {"repo": name, "digest": world["digests"][name], "mirror": mirror.pk, "webhook": webhook.pk}
    request = verification_apply(
        user=alice,
        namespace=world["acme"],
        website="https://acme.example.org",
        contact_email="a@acme.test",
        method="dns",
    )
    org_token, _ = org_token_create(organization=world["acme"], created_by=alice, name="ci", scope="read")
    hub_ids = {"request": request.pk, "org_token": org_token.pk}
    tokens = {name: access_token_create(user=alice, name=name, scope=scope)[1] for name, (scope, _) in TOKENS.items()}
    tokens["pat-expired"] = access_token_create(
        user=alice, name="old", scope="read-write-delete", expires_at=timezone.now() - timedelta(days=1)
    )[1]
    revoked, tokens["pat-revoked"] = access_token_create(user=alice, name="gone", scope="read-write-delete")
    access_token_revoke(user=alice, token_id=revoked.pk)
    tokens["org-token"] = org_token_create(
        organization=world["acme"], created_by=alice, name="org", scope="read-write-delete"
    )[1]
    return {"ids": ids, "hub": hub_ids, "tokens": tokens}


def _targets(route: Route, surfaces) -> list[tuple[str, str]]:
    """(target, path) for each thing the route is about: each repository, or the organization, or the hub."""
    if route.on == "repository":
        return [(name, route.path.format(**surfaces["ids"][name])) for name in REPOSITORIES]
    return [(route.on, route.path.format(**surfaces["hub"]))]


def _call(client, route: Route, path: str, headers: dict):
    return client.generic(route.method, path, **headers)


@pytest.mark.parametrize("principal", PEOPLE)
def test_every_route_for_every_person(client, world, surfaces, principal):
    """Each person, signed in with a session (anonymous without), on every route of the table.

    A route that changes something (POST) is checked only for those it must refuse: the services'
    own tests cover what it does when allowed, and running it here would change the world midway.
    """
    if principal != "anonymous":
        client.force_login(world["users"][USERNAMES[principal]])
    wrong = []
    for name, route in ROUTES.items():
        for target, path in _targets(route, surfaces):
            actions = person_actions(principal, route, target)
            statuses = expected_statuses(route, actions, signed_in=principal != "anonymous")
            if route.method != "GET" and statuses == route.ok:
                continue
            status = _call(client, route, path, {}).status_code
            if status not in statuses:
                wrong.append(f"{name} {route.method} {path}: {status}, expected {sorted(statuses)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("token", [*TOKENS, *DEAD_TOKENS])
def test_every_api_route_for_every_credential(client, world, surfaces, token):
    """alice's personal access tokens of each scope (what she may do, narrowed by the scope), an expired
    and a revoked one, and an organization token (registry only): on every Hub API route."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {surfaces['tokens'][token]}"}
    wrong = []
    for name, route in ROUTES.items():
        if not route.api:
            continue
        for target, path in _targets(route, surfaces):
            if token in DEAD_TOKENS:
                statuses = frozenset({401})
            else:
                everything = person_actions("owner", route, target)  # alice is the world's owner
                scoped = {action for action in everything if SCOPE_NEEDS[action] in TOKENS[token][1]}
                # What she may see does not depend on the scope: a repository she may read stays visible.
                statuses = expected_statuses(route, scoped | ({PULL} & everything), signed_in=True)
                if route.method != "GET" and statuses == route.ok:
                    continue
            status = _call(client, route, path, headers).status_code
            if status not in statuses:
                wrong.append(f"{name} {route.method} {path}: {status}, expected {sorted(statuses)}")
    assert not wrong, "\n".join(wrong)


# --- package and advisory search: every search surface, for every person -----------------------

CONTENT_QUERIES = ("pkg:openssl", "pkg:openssl<3.0.14", "pkg:pypi/jinja2@2.10", "cve:CVE-2019-10906", "severity:high")


@pytest.fixture
def content_world(world, tmp_path):
    """The world, each of its repositories also holding an indexed image with openssl and a vulnerable Jinja2."""
    (tmp_path / "PYSEC-2019-217.yaml").write_text(indexed.JINJA_ADVISORY)
    vulnerability_import(source=str(tmp_path))
    image = indexed.debian(indexed.DEBIAN_12, {"openssl": "3.0.11-1~deb12u2"}, {"Jinja2": "2.10"})
    for name in REPOSITORIES:
        namespace, repo = name.split("/")
        manifest = image_push(
            repository=Repository.objects.get(namespace__name=namespace, name=repo), image=image, tag="pkg"
        )
        manifest_index(manifest_id=manifest.pk)
    return world


def _found_on_every_surface(client, query: str) -> dict[str, set[str]]:
    page = client.get("/search", {"q": query}).content.decode()
    return {
        "page": {f"{ns}/{name}" for ns, name in re.findall(r'class="repo-name"><a href="/r/([^/]+)/([^"]+)"', page)},
        "catalog": {r["id"] for r in client.get("/v2/search/catalog/", {"query": query}).json()["results"]},
        "classic": {r["repo_name"] for r in client.get("/v2/search/repositories/", {"query": query}).json()["results"]},
        "v1": {r["name"] for r in client.get("/v1/search", {"q": query}).json()["results"]},
    }


@pytest.mark.parametrize("principal", PEOPLE)
def test_package_search_on_every_surface_for_every_person(client, content_world, principal):
    """Each surface finds exactly the repositories the person may pull, for each package and advisory query; the
    Packages tab counts as many holders of the one version as the person may see."""
    if principal != "anonymous":
        client.force_login(content_world["users"][USERNAMES[principal]])
    visible = {name for name in REPOSITORIES if PULL in person_actions(principal, ROUTES["web:repository"], name)}
    wrong = []
    for query in CONTENT_QUERIES:
        for surface, found in _found_on_every_surface(client, query).items():
            if found != visible:
                wrong.append(f"{query} on {surface}: {sorted(found)}, expected {sorted(visible)}")
        if query.startswith("pkg:"):
            tab = client.get("/search", {"q": query, "tab": "packages"}).content.decode()
            counts = [int(n) for n in re.findall(r"</a></td>\s*<td>(\d+)</td>", tab)]
            if counts != ([len(visible)] if visible else []):
                wrong.append(f"{query} on the Packages tab: {counts}, expected {len(visible)} holders")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("principal", PEOPLE)
def test_an_advisory_lists_only_the_images_each_person_may_pull(client, world, principal):
    """One advisory found in every repository of the world: its page and its API answer name exactly
    the repositories the table lets the person pull."""
    from images.models import Manifest
    from tests.search.catalogue import image_contents

    for name in REPOSITORIES:
        manifest = Manifest.objects.get(digest=world["digests"][name], repository__name=name.split("/")[1])
        image_contents(
            manifest,
            layers=[("ADD rootfs /", 100)],
            packages=[("openssl", "3.0.11-1", 0)],
            findings=[("DSA-0000-1", "openssl", "high", "3.0.13-1")],
        )
    if principal != "anonymous":
        client.force_login(world["users"][USERNAMES[principal]])
    visible = {name for name in REPOSITORIES if PULL in person_actions(principal, ROUTES["web:repository"], name)}
    page = client.get("/advisories/DSA-0000-1")
    assert page.status_code == 200
    html = page.content.decode()
    assert {name for name in REPOSITORIES if f'href="/r/{name}"' in html} == visible
    answer = client.get("/v2/advisories/DSA-0000-1/")
    assert answer.status_code == 200
    assert {row["repository"] for row in answer.json()["images"]} == visible
