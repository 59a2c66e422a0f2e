import io

import pytest
from PIL import Image

from hub.accounts.services import user_create
from images.services.logos import repository_logo_set
from images.services.repositories import repository_create

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def png(size=(600, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (29, 99, 237)).save(out, format="PNG")
    return out.getvalue()


def test_repository_page_shows_the_logo_and_links_set_in_the_console(client):
    alice = user_create(username="alice", password="pw-alice-123456")
    repository = repository_create(actor=alice, namespace=alice.namespace, name="app", source_url="https://git.example.org/alice/app",
        homepage_url="https://app.example.org",
    )  # fmt: skip
    page = client.get("/r/alice/app").content.decode()
    assert 'href="https://git.example.org/alice/app"' in page and 'href="https://app.example.org"' in page
    assert "logo.png" not in page

    repository_logo_set(actor=alice, repository=repository, data=png())
    page = client.get("/r/alice/app").content.decode()
    assert "/console/r/alice/app/-/logo.png?v=" in page
    logo = client.get("/console/r/alice/app/-/logo.png")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(logo))).size == (256, 128)
