"""Page parts of issue #15's part 5 over HTTP: layer numbers, logos, error pages in the layout, the theme toggle."""

import re

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from images.models import Manifest
from tests.search import catalogue

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def image():
    repo = catalogue.repository("library/nginx", tags=("latest",))
    manifest = Manifest.objects.get(repository=repo, tags__name="latest")
    catalogue.image_contents(
        manifest,
        layers=[
            ("ADD file:abc in /", 29_000_000),
            ("ENV NGINX_VERSION=1.27.3", 0),
            ('CMD ["bash"]', 0),
            ("RUN apt-get install -y nginx", 60_000_000),
            ("EXPOSE 80", 0),
            ("COPY entrypoint.sh /", 1_600),
        ],
        packages=[("nginx", "1.27.3-1", 3)],
    )
    return manifest


def test_only_layers_with_content_are_numbered(client, image):
    html = client.get(f"/_/nginx/tags/latest/images/{image.digest}").content.decode()
    assert 'href="#layers">Layers (3)</a>' in html
    assert "6 steps, 3 with content (numbered)" in html
    numbers = re.findall(r'<span class="layer-index">(.*?)</span>\s*<code', html, re.S)
    shown = [re.sub(r"<[^>]+>[^<]*</span>", "", n).strip() or "-" for n in numbers]
    assert shown == ["1", "-", "-", "2", "-", "3"]
    # The packages table names the layer by the same number, and links to the row (its position).
    assert '<a href="#layer-3" title="RUN apt-get install -y nginx">Layer 2</a>' in html


def test_cards_and_results_show_the_logo_or_an_initial(client):
    from django.utils import timezone

    repo = catalogue.repository("acme/web", short="Acme's web server")
    catalogue.repository("acme/db", short="Acme's database")
    type(repo).objects.filter(pk=repo.pk).update(logo=b"png", logo_updated_at=timezone.now())
    repo.refresh_from_db()
    html = client.get("/search", {"q": "acme"}).content.decode()
    version = int(repo.logo_updated_at.timestamp())
    assert f'src="/console/r/acme/web/-/logo.png?v={version}"' in html
    initial = '<span class="repo-logo repo-logo-none" style="width: 48px; height: 48px" aria-hidden="true">D</span>'
    assert initial in html
    cards = client.get("/u/acme").content.decode()  # the publisher's cards (the home page's use the same part)
    assert f'src="/console/r/acme/web/-/logo.png?v={version}"' in cards and ">D</span>" in cards


def test_error_pages_are_in_the_sites_layout(client):
    response = client.get("/_/no-such-image")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="site-header"' in html and "Page not found" in html and 'href="/search"' in html
    error = server_error(RequestFactory().get("/")).content.decode()
    assert 'class="site-header"' in error and "Something went wrong" in error


def test_the_theme_is_applied_before_the_first_paint_and_the_toggle_needs_script(client):
    html = client.get("/").content.decode()
    head = html[: html.index("</head>")]
    # theme.js runs in <head> without defer, before the style sheet: the remembered theme never flashes.
    assert head.index('src="/static/js/theme.js"></script>') < head.index('href="/static/css/hub.css"')
    assert '<meta name="color-scheme" content="light dark">' in head
    assert 'class="link-button theme-toggle js-only" data-theme-toggle aria-pressed="false"' in html
