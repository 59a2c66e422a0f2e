"""Every page of the site in headless Chromium at 1280 px and 390 px, light and dark: no sideways scrolling
(`scrollWidth <= innerWidth`), axe-core clean, the expected status, a screenshot of each under the test's
tmp dir (kept by pytest: `ls /tmp/pytest-of-$USER/pytest-current/`).

PAGES is the list: a new page is one line (name, address, who views it, status). Addresses may name the
objects `world` made: {image}, {arm}, {saved}, {webhook}, {application}, {team}.
"""

import io
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.utils import timezone
from django.views.defaults import server_error
from PIL import Image

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # the browser fixture skips (or fails under HUB_REQUIRE_INTEGRATION=1) with the reason
    PlaywrightError = Exception

from hub.accounts.services import access_token_create, user_create
from images.models import Manifest, Tag
from images.services.alerts import saved_search_create
from images.services.curation import verification_apply
from images.services.logos import repository_logo_set
from images.services.mirrors import mirror_create
from images.services.organizations import membership_set, org_token_create, organization_create, team_create
from images.services.webhooks import webhook_create
from tests.search import catalogue
from tests.web.browser import Visit

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
THEMES = ("light", "dark")
SERVER_ERROR = "/__server-error"  # answered by the browser route with Django's own 500 page (no view fails on purpose)


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    user: str = ""  # "" anonymous, "dana" a publisher and organization owner, "erin" a plain member
    status: int = 200


PAGES = [
    # catalogue
    Page("home", "/"),
    Page("search", "/search?q=nginx"),
    Page("search-empty", "/search?q=qqqzzz&trusted=verified"),
    Page("search-packages", "/search?q=pkg:openssl"),
    Page("repository", "/_/nginx"),
    Page("repository-pull", "/_/nginx?pull_tag=1.27&pull_platform=linux/arm64/v8&pull_pin=digest&pull_client=skopeo"),
    Page("repository-namespaced", "/r/dana/app"),
    Page("tags", "/_/nginx/tags"),
    Page("tag-artifact", "/r/dana/app/tags/sbom"),
    Page("image", "/_/nginx/tags/latest/images/{image}"),
    Page("image-arm", "/_/nginx/tags/latest/images/{arm}?pull_client=compose"),
    Page("compare", "/_/nginx/compare/{image}...{arm}"),
    Page("compare-missing", "/_/nginx/compare/no-such-tag...latest", status=404),
    Page("search-base", "/search?q=base:library/nginx"),
    Page("advisory", "/advisories/CVE-2024-5535"),
    Page("advisory-missing", "/advisories/CVE-1999-0000", status=404),
    Page("publisher", "/u/bitnami"),
    Page("publisher-user", "/u/dana"),
    # accounts
    Page("login", "/login/"),
    Page("signup", "/signup/"),
    Page("password-reset", "/password-reset/"),
    Page("settings", "/settings/", "dana"),
    Page("password-change", "/settings/password", "dana"),
    Page("tokens", "/settings/tokens", "dana"),
    Page("alerts", "/settings/alerts", "dana"),
    Page("search-signed-in", "/search?q=nginx", "dana"),  # with "Save this search"
    Page("alert-edit", "/settings/alerts/{saved}", "dana"),
    # organizations
    Page("organizations", "/settings/organizations", "dana"),
    Page("organization", "/orgs/acme/", "dana"),
    Page("organization-members", "/orgs/acme/members", "dana"),
    Page("organization-teams", "/orgs/acme/teams", "dana"),
    Page("organization-team", "/orgs/acme/teams/{team}", "dana"),
    Page("organization-tokens", "/orgs/acme/tokens", "dana"),
    Page("organization-settings", "/orgs/acme/settings", "dana"),
    # publisher console
    Page("console", "/console/", "dana"),
    Page("console-new", "/console/new", "dana"),
    Page("console-storage", "/console/storage/dana", "dana"),
    Page("console-settings", "/console/r/dana/app/-/settings", "dana"),
    Page("console-tags", "/console/r/dana/app/-/tags", "dana"),
    Page("console-mirrors", "/console/r/dana/app/-/mirrors", "dana"),
    Page("console-webhooks", "/console/r/dana/app/-/webhooks", "dana"),
    Page("console-webhook", "/console/r/dana/app/-/webhooks/{webhook}", "dana"),
    Page("console-delete", "/console/r/dana/app/-/delete", "dana"),
    Page("console-audit", "/console/audit/dana", "dana"),
    Page("console-verification", "/console/verification/acme", "dana"),
    # curation (dana is a curator too)
    Page("curation", "/curation/", "dana"),
    Page("curation-request", "/curation/requests/{application}", "dana"),
    # errors
    Page("error-404", "/_/no-such-image", status=404),
    Page("error-403", "/curation/", "erin", status=403),
    Page("error-400", "/search?q=%00", status=400),
    Page("error-500", SERVER_ERROR, status=500),
]


@pytest.fixture
def world(catalogue_data):
    """The catalogue of the browser tests, plus what the signed-in pages show: dana's repository with a logo,
    an artifact tag, a token, a saved search, an organization with a team, a webhook, a mirror, a
    verification request; erin, a member of nothing."""
    dana = get_user_model().objects.get(username="dana")  # made by catalogue_data
    # A curator by the permission (the `curators` group comes from a data migration, which a flush drops).
    dana.user_permissions.add(Permission.objects.get(codename="curate_trusted_content"))
    erin = user_create(username="erin", password="pw-erin-123456")
    app = catalogue.repository(
        "dana/app", short="Dana's web application, built nightly.", platforms=("linux/amd64",), tags=("1.0", "latest")
    )
    repository_logo_set(actor=dana, repository=app, data=_png())
    artifact = Manifest.objects.create(
        repository=app,
        digest=catalogue.digest_of("dana-app-sbom"),
        media_type="application/vnd.oci.image.index.v1+json",
        artifact_type="application/spdx+json",
        size=400,
        content=b"{}",
        is_index=True,
        index_status="indexed",
    )
    Tag.objects.create(repository=app, name="sbom", manifest=artifact, pushed_at=timezone.now())
    access_token_create(user=dana, name="laptop", scope="read-write")
    saved = saved_search_create(user=dana, name="Nginx with fixes", query="nginx", filters={"trusted": ["official"]})
    acme = organization_create(owner=dana, name="acme", display_name="Acme Inc.")
    membership_set(organization=acme, user=erin, role="member")
    team = team_create(organization=acme, name="builders", description="Push the nightly images")
    org_token_create(organization=acme, created_by=dana, name="ci", scope="read")
    webhook, _secret = webhook_create(user=dana, repository=app, name="deploy", url="http://127.0.0.1:9/hook")
    mirror_create(user=dana, repository="dana/app", upstream="registry.example.org/upstream/app")
    application = verification_apply(
        user=dana, namespace=acme, website="https://acme.test", contact_email="ops@acme.test", method="dns"
    )
    arm = Manifest.objects.get(repository=catalogue_data["nginx"], tags__name="latest").child_links.get(
        architecture="arm64"
    )
    return {
        "image": catalogue_data["image"].digest,
        "arm": arm.child.digest,
        "saved": saved.pk,
        "webhook": webhook.pk,
        "application": application.pk,
        "team": team.name,
        "users": {"dana": dana, "erin": erin},
    }


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (64, 64), (29, 95, 216, 255)).save(out, format="PNG")
    return out.getvalue()


def _session_cookie(user, base_url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}


@pytest.mark.parametrize("user", ["", "dana", "erin"], ids=["anonymous", "dana", "erin"])
@pytest.mark.parametrize("theme", THEMES)
def test_every_page_fits_390px_and_is_accessible(browser, live_server, world, tmp_path, theme, user):
    """One test per theme and viewer (each stays inside the suite's per-test timeout)."""
    server_error_page = server_error(RequestFactory().get("/")).content
    problems = []
    visit = Visit(browser, live_server.url, color_scheme=theme, artifacts=tmp_path)
    visit.context.route(
        f"**{SERVER_ERROR}", lambda route: route.fulfill(status=500, body=server_error_page, content_type="text/html")
    )
    if user:
        visit.context.add_cookies([_session_cookie(world["users"][user], live_server.url)])
    for page in [p for p in PAGES if p.user == user]:
        url = live_server.url + page.path.format(**world)
        for width_name, (width, height) in WIDTHS.items():
            visit.page.set_viewport_size({"width": width, "height": height})
            label = f"{page.name}-{width_name}-{theme}"
            try:
                response = visit.page.goto(url)
            except PlaywrightError as error:  # e.g. an error status with an empty body
                problems.append(f"{label}: {error.message.splitlines()[0]}")
                continue
            if response.status != page.status:
                problems.append(f"{label}: status {response.status}, not {page.status}")
            visit.page.wait_for_load_state("networkidle")
            if overflow := visit.overflow():
                problems.append(f"{label}: {overflow}")
            visit.page.screenshot(path=str(tmp_path / f"{label}.png"), full_page=True)
            problems += [f"{label}: {v}" for v in visit.axe_violations()]
    # Chromium logs a console error for each page answered with an error status: those are expected.
    visit.errors = [e for e in visit.errors if "the server responded with a status of" not in e]
    visit.close()
    assert problems == [], "\n".join(problems)


def test_theme_toggle_works_with_the_keyboard_and_is_remembered(browser, live_server, catalogue_data, tmp_path):
    visit = Visit(browser, live_server.url, color_scheme="light", artifacts=tmp_path)
    page = visit.page
    page.goto(live_server.url + "/")
    toggle = page.get_by_role("button", name="Dark theme")
    assert toggle.get_attribute("aria-pressed") == "false"
    background = "() => getComputedStyle(document.documentElement).backgroundColor"
    light = page.evaluate(background)
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    dark = page.evaluate(background)
    assert dark != light
    # The next page starts dark: theme.js sets the attribute before the style sheet applies.
    page.goto(live_server.url + "/search?q=nginx")
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert page.evaluate(background) == dark
    page.get_by_role("button", name="Dark theme").press("Space")
    assert page.evaluate("() => localStorage.getItem('hub-theme')") == "light"
    assert page.evaluate(background) == light
    visit.close()

    # With no choice remembered, a dark system preference is followed and the toggle says so.
    night = Visit(browser, live_server.url, color_scheme="dark", artifacts=tmp_path)
    night.page.goto(live_server.url + "/")
    assert night.page.get_by_role("button", name="Dark theme").get_attribute("aria-pressed") == "true"
    assert night.page.evaluate(background) == dark
    night.close()
