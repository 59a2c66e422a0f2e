"""Know what is inside, in headless Chromium against Hub under gunicorn with a real Celery worker.

A publisher pushes acme/webapp (Jinja2 2.10, urllib3 1.24.1) with skopeo; the worker indexes it against a
critical, fixable Jinja2 advisory. In the browser, `pkg:urllib3<1.26.5` finds acme/webapp with the version
that matched; the posture filter "No fixable critical/high" leaves it out; the search is saved. Then acme/api
(urllib3 1.25.0, nothing fixable) is pushed: the worker indexes it, computes the alerts and mails the owner
(Django's file mail backend); the mail's link opens acme/api. The critical finding of acme/webapp, which
pat's organization publishes, came as a CVE alert before. Screenshots go to test-artifacts/console/.
"""

import json
import re
import shutil
import urllib.parse
import urllib.request

import pytest

from images.oci.build import LayerSpec, image_build
from images.services.demo import dist_info_layer
from tests.alerts.conftest import JINJA_CRITICAL, OS_RELEASE, SITE
from tests.helpers.clients import skopeo
from tests.helpers.hub_server import celery_worker, hub_server
from tests.helpers.images import layout_write
from tests.helpers.integration import require, require_binary
from tests.integration.test_publisher_browser import CHROMIUM, Session, browser, wait_for  # noqa: F401

pytestmark = pytest.mark.integration

SETUP = """
from hub.accounts.services import user_create
from images.services.organizations import organization_create
pat = user_create(username="pat", password="pat-password-1", email="pat@acme.test")
organization_create(owner=pat, name="acme")
"""


def python_image(packages: dict[str, str], marker: str):
    return image_build(
        [
            LayerSpec({"usr/lib/os-release": OS_RELEASE}, "ADD rootfs.tar /"),
            LayerSpec(dist_info_layer(packages, SITE), f"RUN pip install {marker}"),
        ],
        cmd=["python3"],
    )


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    require_binary("skopeo")
    require(shutil.which(CHROMIUM) is not None or shutil.which("chromium") is not None, "Chromium is not installed")
    workdir = tmp_path_factory.mktemp("security")
    mail = workdir / "mail"
    extra = {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail)}
    with hub_server(workdir, extra_env=extra) as server:
        with celery_worker(server, workdir, "security-test"):
            server.manage("shell", "-c", SETUP)
            advisories = workdir / "advisories"
            advisories.mkdir()
            (advisories / "PYSEC-2099-1.json").write_text(JINJA_CRITICAL)
            server.manage("import_vulns", str(advisories))
            server.mail_dir = mail
            server.token = server.token_create("pat", "read-write")
            yield server


def push(hub, tmp_path, repository: str, packages: dict[str, str]) -> str:
    image = python_image(packages, marker=repository)
    source = layout_write(tmp_path / repository.replace("/", "-"), image, "1.0")
    skopeo("copy", "--dest-tls-verify=false", "--dest-creds", f"pat:{hub.token}", source,
           f"docker://{hub.host}/{repository}:1.0")  # fmt: skip
    return image.digest


def mails(directory) -> list[str]:
    return [path.read_text() for path in sorted(directory.glob("*.log"))] if directory.exists() else []


def api_names(hub, query: str) -> dict[str, set[str]]:
    """What the catalog API and /v1/search (docker and podman search) find for `query`, anonymously."""
    found = {}
    for surface, path, key in (("catalog", "/v2/search/catalog/?query=", "id"), ("v1", "/v1/search?q=", "name")):
        with urllib.request.urlopen(hub.url + path + urllib.parse.quote(query), timeout=30) as response:
            found[surface] = {row[key] for row in json.load(response)["results"]}
    return found


def results(page) -> list[str]:
    return [name.strip() for name in page.locator(".repo-name").all_inner_texts()]


def test_search_by_package_filter_by_posture_save_and_be_told(hub, browser, tmp_path):  # noqa: F811
    digest = push(hub, tmp_path, "acme/webapp", {"Jinja2": "2.10", "urllib3": "1.24.1"})
    session = Session(browser, hub.url)
    page = session.page
    session.sign_in("pat", "pat-password-1")

    # The worker indexed it: the package search finds it, with the version that matched.
    def found():
        page.goto(hub.url + "/search?q=" + "pkg:urllib3%3C1.26.5")
        return "acme/webapp" in results(page)

    wait_for("acme/webapp to be indexed and found", found, timeout=240, every=2)
    assert "1.24.1" in page.locator("main").inner_text()
    match = page.locator(".content-matches a").first
    assert digest in match.get_attribute("href") and "urllib3" in page.locator(".content-matches").inner_text()
    session.check("package-search")
    # Each query form finds the image the worker indexed, on the APIs too.
    for query in ("pkg:urllib3<1.26.5", "pkg:pypi/jinja2@2.10", "cve:CVE-2099-0001", "osv:PYSEC-2099-1",
                  "severity:critical", "fixable:yes", "webapp pkg:urllib3>=1.24,<1.25"):  # fmt: skip
        assert api_names(hub, query) == {"catalog": {"acme/webapp"}, "v1": {"acme/webapp"}}, query

    # The Packages tab: the version, with how many images hold it.
    page.locator("nav.tabs").get_by_role("link", name="Packages").click()
    page.wait_for_load_state("networkidle")
    assert "1.24.1" in page.locator("main").inner_text()

    # The posture filter leaves out an image with a fixable critical finding.
    page.goto(hub.url + "/search?q=" + "pkg:urllib3%3C1.26.5")
    page.get_by_label(re.compile("No fixable critical/high")).check()
    page.wait_for_url(re.compile(r"posture=no_fixable"))
    page.wait_for_load_state("networkidle")
    assert "acme/webapp" not in results(page)
    session.check("package-search-posture")

    # Saved, with its query and filter.
    page.get_by_role("button", name="Save this search").click()
    page.wait_for_url("**/settings/alerts")
    assert "Saved" in page.locator("main").inner_text()

    # Pat's organization publishes acme/webapp: its critical finding came as a CVE alert, once.
    [cve_alert] = wait_for("the CVE alert", lambda: mails(hub.mail_dir), timeout=120, every=1)
    assert "CRITICAL PYSEC-2099-1 (CVE-2099-0001) in acme/webapp" in cve_alert
    assert "/alerts/unsubscribe/" in cve_alert

    # A matching image arrives: the worker indexes it and tells pat once, with a link to it.
    push(hub, tmp_path, "acme/api", {"urllib3": "1.25.0"})
    told = wait_for("the saved search's alert", lambda: mails(hub.mail_dir)[1:], timeout=240, every=2)[-1]
    assert "To: pat@acme.test" in told and "acme/api" in told and "acme/webapp" not in told
    link = next(link for link in re.findall(r"http\S+", told) if "/r/acme/api" in link)
    page.goto(link)
    assert page.get_by_role("heading", name=re.compile("api")).first.is_visible()
    page.goto(hub.url + "/settings/alerts")
    assert "acme/api" in page.locator("main").inner_text()
    assert len(mails(hub.mail_dir)) == 2 and session.errors == []
