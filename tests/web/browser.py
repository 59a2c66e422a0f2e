"""Headless Chromium for the page tests: the browser fixture, a checked page visit (console errors, requests
that leave loopback, axe-core, page width) and the catalogue the tests browse."""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections

from hub.accounts.services import user_create
from images.models import Manifest
from tests.helpers.integration import require
from tests.search import catalogue

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "catalogue"
AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
LOOPBACK = {"localhost", "127.0.0.1", "[::1]", "::1"}


@pytest.fixture
def browser():
    require(
        os.path.exists(CHROMIUM) or shutil.which("chromium") is not None,
        "Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    )
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Under Playwright's event loop Django keeps the test's database connection apart from the one
        # pytest-django closes (connections are per context): close it, or it outlives the test database.
        connections.close_all()


class Visit:
    """A browser page that records console errors and every request, and checks pages with axe-core."""

    def __init__(self, browser, base_url: str, *, color_scheme: str = "light", artifacts: Path = ARTIFACTS):
        self.base_url = base_url
        self.artifacts = artifacts
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=color_scheme)
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        artifacts.mkdir(parents=True, exist_ok=True)

    def _route(self, route):
        host = urlsplit(route.request.url).hostname or ""
        if host in LOOPBACK or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def check(self, name: str) -> None:
        """Screenshot the page and run axe-core (WCAG 2 A/AA and best practices) on it."""
        self.page.wait_for_load_state("networkidle")
        self.page.screenshot(path=str(self.artifacts / f"{name}.png"), full_page=True)
        violations = self.axe_violations()
        assert violations == [], f"{name}: accessibility violations:\n" + "\n".join(violations)

    def axe_violations(self) -> list[str]:
        """axe-core's WCAG 2 A/AA and best-practice violations on the page, one line each."""
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag',"
            " values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']}})"
        )
        return [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['html'][:160]})"
            for v in result["violations"]
        ]

    def overflow(self) -> str:
        """ "" when the page fits its viewport's width; else the page width and the widest elements."""
        return self.page.evaluate(
            """() => {
              const width = window.innerWidth;
              if (document.documentElement.scrollWidth <= width) return "";
              const wide = [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > width + 1))
                .slice(0, 6)
                .map(e => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`);
              return `${document.documentElement.scrollWidth}px wide: ${wide.join(", ")}`;
            }"""
        )

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.outside == [], f"requests left loopback: {self.outside}"


@pytest.fixture
def catalogue_data():
    catalogue.namespace("bitnami", verified=True)
    nginx = catalogue.repository(
        "library/nginx",
        short="Official build of Nginx.",
        readme="# Nginx\n\nNginx is a **web server** and reverse proxy.\n\n```\ndocker run -p 8080:80 nginx\n```",
        pulls=1_000_000_000,
        stars=42,
        categories=("web-servers",),
        platforms=("linux/amd64", "linux/arm64/v8"),
        tags=("1.27", "1.27.3", "latest", "stable"),
    )
    catalogue.repository("bitnami/nginx", short="Bitnami container image for NGINX", trusted="verified", pulls=5000)
    catalogue.repository("alice/nginx-proxy", short="Automated nginx reverse proxy", pulls=900)
    catalogue.repository("library/redis", short="Redis is an in-memory data store.", categories=("databases-storage",))
    latest = Manifest.objects.get(repository=nginx, tags__name="latest").child_links.get(architecture="amd64").child
    catalogue.image_contents(
        latest,
        layers=[
            ("/bin/sh -c #(nop) ADD file:6b1b in / ", 29_150_000),
            ('/bin/sh -c #(nop)  CMD ["bash"]', 0),
            ("/bin/sh -c set -x && apt-get update && apt-get install --no-install-recommends -y nginx", 41_200_000),
            ("/bin/sh -c #(nop) COPY file:e57e in /docker-entrypoint.sh ", 1_600),
        ],
        packages=[("libc6", "2.36-9+deb12u7", 0), ("openssl", "3.0.11-1~deb12u2", 2), ("nginx", "1.27.3-1", 2)],
        findings=[
            ("CVE-2024-5535", "openssl", "critical", "3.0.14-1~deb12u1"),
            ("CVE-2024-2511", "openssl", "medium", ""),
            ("CVE-2023-6246", "libc6", "high", "2.36-9+deb12u4"),
        ],
    )
    user_create(username="dana", password="pw-dana-123456")
    return {"nginx": nginx, "image": latest}
