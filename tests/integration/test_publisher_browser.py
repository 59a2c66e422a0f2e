"""A publisher and a curator in headless Chromium against Hub under gunicorn with a real Celery worker.

The publisher creates the organization `acme` and a repository in it in the console, edits its
README and categories, adds a webhook, makes an access token on its page, pushes with skopeo using that
token; the worker indexes the image and delivers a signed payload to a receiver on loopback. The
publisher applies for Verified Publisher with a file on their website (a real http.server on
loopback), the worker checks it, and a curator approves it in the curator console: the badge then
shows in search. Screenshots go to test-artifacts/console/.
"""

import hashlib
import hmac
import json
import os
import shutil
import subprocess
import time

import pytest

from tests.helpers.hub_server import ROOT, celery_worker, hub_server
from tests.helpers.images import debian_image, layout_write
from tests.helpers.integration import require, require_binary
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts" / "console"
AXE = ROOT / "tests" / "web" / "vendor" / "axe-core" / "axe.min.js"
SIGNATURE = "X-Hub-Signature-256"


def wait_for(what: str, predicate, timeout: float = 180, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def website():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    require_binary("skopeo")
    require(os.path.exists(CHROMIUM) or shutil.which("chromium") is not None, "Chromium is not installed")
    workdir = tmp_path_factory.mktemp("publisher")
    with hub_server(workdir, extra_env={"HUB_WEBHOOK_RETRY_BASE_SECONDS": "1"}) as server:
        with celery_worker(server, workdir, "console-test"):
            code = (
                "from django.contrib.auth.models import Group\n"
                "from hub.accounts.services import user_create\n"
                "user_create(username='pat', password='pat-password-1', email='pat@acme.test')\n"
                "cora = user_create(username='cora', password='cora-password-1')\n"
                "cora.groups.add(Group.objects.get(name='curators'))\n"
            )
            server.manage("shell", "-c", code)
            yield server


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def sign_in(self, username: str, password: str) -> None:
        self.page.goto(self.base + "/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(self.base + "/")

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("networkidle")
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag',"
            " values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']}})"
        )
        violations = [f"{v['id']}: {v['help']} ({v['nodes'][0]['html'][:120]})" for v in result["violations"]]
        assert violations == [], f"{name}: accessibility violations:\n" + "\n".join(violations)


def test_publisher_pushes_and_a_curator_verifies(hub, browser, website, tmp_path):
    receiver = Receiver().start()
    try:
        _publisher_and_curator(hub, browser, website, receiver, tmp_path)
    finally:
        receiver.stop()


def _publisher_and_curator(hub, browser, website, receiver, tmp_path):
    publisher = Session(browser, hub.url)
    page = publisher.page
    publisher.sign_in("pat", "pat-password-1")

    # An organization, from its settings page.
    page.goto(hub.url + "/settings/organizations")
    page.locator("#id_name").fill("acme")
    page.get_by_role("button", name="Create organization").click()
    page.wait_for_load_state()

    # A repository in the organization, before the first push.
    page.get_by_role("link", name="Console").click()
    page.get_by_role("link", name="New repository").click()
    page.get_by_label("Namespace").select_option("acme")
    page.locator("#id_name").fill("tool")
    page.get_by_label("Short description").fill("The acme tool")
    page.get_by_label("Developer Tools").check()
    publisher.check("repository-new")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url("**/console/r/acme/tool/-/settings")

    # README and categories, with a preview of the Markdown.
    page.get_by_label("Full description (Markdown)").fill("# Acme tool\n\nRun it with **care**.")
    page.get_by_label("Developer Tools").uncheck()
    page.get_by_label("Security").check()
    page.get_by_label("Networking").check()
    page.get_by_role("button", name="Preview description").click()
    assert page.locator("#preview strong").inner_text() == "care"
    publisher.check("repository-settings")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/console/r/acme/tool/-/settings")
    assert page.get_by_text("Saved.").is_visible()

    # A webhook to a receiver on loopback; its secret is shown once.
    page.get_by_role("link", name="Webhooks").click()
    page.locator("#id_name").fill("ci")
    page.get_by_label("URL").fill(receiver.url + "/hook")
    page.get_by_role("button", name="Add webhook").click()
    secret = page.locator("#webhook-secret").inner_text().strip()
    assert len(secret) >= 32
    publisher.check("webhooks")

    # A personal access token from its page, then a push with skopeo using it.
    page.goto(hub.url + "/settings/tokens")
    page.get_by_label("Description").fill("ci push")
    page.get_by_label("Scope").select_option("read-write")
    page.get_by_role("button", name="Generate token").click()
    token = page.locator("#new-token").inner_text().strip()
    image = debian_image(marker="console")
    source = layout_write(tmp_path / "src", image, "1.0")
    pushed = subprocess.run(
        ["skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds", f"pat:{token}",
         source, f"docker://{hub.host}/acme/tool:1.0"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert pushed.returncode == 0, pushed.stderr

    # The worker delivers a signed payload in Docker Hub's shape...
    post = wait_for("the webhook delivery", lambda: [r for r in receiver.received if r.method == "POST"])[0]
    expected = "sha256=" + hmac.new(secret.encode(), post.body, hashlib.sha256).hexdigest()
    assert post.headers[SIGNATURE] == expected
    payload = json.loads(post.body)
    assert payload["push_data"]["tag"] == "1.0" and payload["push_data"]["pusher"] == "pat"
    assert payload["push_data"]["images"][0] == image.digest
    assert payload["repository"]["repo_name"] == "acme/tool"
    assert payload["repository"]["full_description"].startswith("# Acme tool")

    # ...and indexes the image: its packages show on the image page.
    def indexed():
        page.goto(f"{hub.url}/r/acme/tool/tags/1.0/images/{image.digest}")
        return page.locator("#package-results tbody th").count() > 0

    wait_for("the image to be indexed", indexed, timeout=240, every=2)
    page.goto(hub.url + "/r/acme/tool")
    assert page.get_by_role("heading", name="Acme tool").is_visible()
    assert page.get_by_text("The acme tool").first.is_visible()
    page.goto(hub.url + "/console/r/acme/tool/-/webhooks")
    page.get_by_role("link", name="ci").click()
    assert page.locator(".delivery-http").first.inner_text() == "200"
    page.get_by_role("button", name="Send test").click()
    wait_for("the test delivery", lambda: len([r for r in receiver.received if r.method == "POST"]) == 2, timeout=60)

    def test_delivered():
        page.reload()
        return (
            page.locator(".deliveries tbody tr").count() == 2
            and page.locator(".delivery-http").first.inner_text() == "200"
        )

    wait_for("the test delivery on the page", test_delivered, timeout=30, every=1)
    test_post = [r for r in receiver.received if r.method == "POST"][1]
    assert (
        test_post.headers[SIGNATURE]
        == "sha256=" + hmac.new(secret.encode(), test_post.body, hashlib.sha256).hexdigest()
    )
    publisher.check("webhook-deliveries")

    # Verified Publisher: apply with a file on the website, which the worker checks.
    page.goto(hub.url + "/console/")
    page.get_by_role("link", name="Verified Publisher").click()
    page.locator("#id_website").fill(website.url)
    page.get_by_label("Contact email").fill("ops@acme.test")
    page.get_by_label("File on the website").check()
    page.get_by_role("button", name="Apply for verification").click()
    file_url = page.locator("code").filter(has_text="/.well-known/hub-verification.txt").inner_text()
    token_value = page.locator("code").nth(1).inner_text()
    assert file_url == website.url + "/.well-known/hub-verification.txt"
    website.files["/.well-known/hub-verification.txt"] = token_value.encode() + b"\n"
    # A form post: let its navigation finish, or the reloads below race it ("Not attached to an active page").
    with page.expect_navigation():
        page.get_by_role("button", name="Check again").click()

    def checked():
        page.reload()
        return "passed:" in page.locator(".verification-check").inner_text()

    wait_for("the verification check", checked, timeout=60, every=1)
    publisher.check("verification")

    # The curator approves in the curator console; the badge shows in search at once.
    curator = Session(browser, hub.url)
    curator.sign_in("cora", "cora-password-1")
    curator.page.goto(hub.url + "/curation/")
    curator.check("curation-queue")
    curator.page.get_by_role("link", name="acme").click()
    curator.page.get_by_label("Note").fill("website checked")
    curator.check("curation-request")
    curator.page.get_by_role("button", name="Approve").click()
    curator.page.wait_for_url("**/curation/")
    assert curator.page.locator(".holders").first.get_by_text("acme").is_visible()
    curator.page.goto(hub.url + "/search?q=tool")
    result = curator.page.locator(".result").filter(has_text="acme/tool")
    assert result.get_by_text("Verified Publisher").is_visible()
    curator.check("search-verified")

    page.goto(hub.url + "/console/audit/acme")
    assert page.get_by_text("verification.approve").is_visible()
    publisher.check("audit")
    assert publisher.errors == [] and curator.errors == []
