"""Compare and download cost against a real Hub (gunicorn and a Celery worker): two releases built from
real layers pushed with skopeo and indexed by the worker; the diff is right in each section, and the
download cost Hub states is exactly the bytes a real `skopeo copy` into an OCI layout that already
holds the other release fetches (the blob GETs in gunicorn's access log)."""

import json
import re
import time
import urllib.request

import pytest

from images.oci.build import sha256
from tests.compare.images import (
    ADVISORIES,
    EXPECTED_CONFIG,
    EXPECTED_HISTORY,
    EXPECTED_PACKAGES,
    release_1,
    release_2,
    sections,
)
from tests.helpers.clients import skopeo
from tests.helpers.hub_server import celery_worker, hub_server
from tests.helpers.images import layout_write
from tests.helpers.integration import require_binary

pytestmark = pytest.mark.integration

SETUP = """
from hub.accounts.services import user_create
from images.services.organizations import organization_create
organization_create(owner=user_create(username="pat", password="pat-password-1"), name="acme")
"""
BLOB_GET = re.compile(r'"GET /v2/acme/app/blobs/(sha256:[0-9a-f]{64}) HTTP/[0-9.]+" 200 ')


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def get_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    require_binary("skopeo")
    workdir = tmp_path_factory.mktemp("compare")
    access_log = workdir / "access.log"
    with hub_server(workdir, extra_env={"GUNICORN_CMD_ARGS": f"--access-logfile {access_log}"}) as server:
        with celery_worker(server, workdir, "compare-test"):
            server.manage("shell", "-c", SETUP)
            advisories = workdir / "advisories"
            advisories.mkdir()
            for name, text in ADVISORIES.items():
                (advisories / name).write_text(text)
            server.manage("import_vulns", str(advisories))
            server.token = server.token_create("pat", "read-write")
            server.access_log = access_log
            yield server


def wait_indexed(hub, tag: str) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        images = get_json(f"{hub.url}/v2/repositories/acme/app/tags/{tag}/images/")
        if images and all(image["index_status"] == "indexed" for image in images):
            return
        time.sleep(1)
    raise AssertionError(f"acme/app:{tag} was not indexed: {images}")


def test_diff_and_download_cost_match_what_skopeo_really_does(hub, tmp_path):
    one, two = release_1(), release_2()
    for tag, image in (("1.0", one), ("2.0", two)):
        skopeo("copy", "--dest-tls-verify=false", "--dest-creds", f"pat:{hub.token}",
               layout_write(tmp_path / tag, image, tag), f"docker://{hub.host}/acme/app:{tag}")  # fmt: skip
        wait_indexed(hub, tag)

    answer = get_json(f"{hub.url}/v2/repositories/acme/app/compare/?from=1.0&to=2.0")
    got = sections(answer)
    assert got["packages"] == EXPECTED_PACKAGES
    assert got["history"] == EXPECTED_HISTORY
    assert (got["fixed"], got["introduced"]) == (["PYSEC-2019-217"], ["PYSEC-2099-1"])
    assert got["config"] == EXPECTED_CONFIG
    layers = [sha256(blob) for blob in two.layers]
    assert [x["digest"] for x in answer["layers"]["shared"]] == layers[:1]
    assert [x["digest"] for x in answer["layers"]["added"]] == layers[1:]
    assert [x["digest"] for x in answer["layers"]["removed"]] == [sha256(one.layers[1])]
    assert all(x["uncompressed_size"] > x["size"] for rows in answer["layers"].values() for x in rows)

    # A machine that has 1.0 pulls 2.0: count what skopeo fetches.
    layout = tmp_path / "machine"
    skopeo("copy", "--src-tls-verify=false", f"docker://{hub.host}/acme/app:1.0", f"oci:{layout}:1.0")
    before = hub.access_log.read_text()
    skopeo("copy", "--src-tls-verify=false", f"docker://{hub.host}/acme/app:2.0", f"oci:{layout}:2.0")
    time.sleep(1)  # gunicorn writes its access log line after the response
    fetched = BLOB_GET.findall(hub.access_log.read_text()[len(before) :])
    sizes = two.blobs
    assert len(fetched) == len(set(fetched)) == answer["download"]["blobs_needed"] == 3
    assert sum(len(sizes[digest]) for digest in fetched) == answer["download"]["needed"]
    assert answer["download"]["full"] == sum(len(blob) for blob in sizes.values())

    # The image page says the same, with the previous tag as the default.
    page = get_text(f"{hub.url}/r/acme/app/tags/2.0/images/{two.digest}")
    assert "Pulling this image when you already have <code>acme/app:1.0</code> downloads" in page
    assert "(3 of 4 blobs)" in page and "1 other image in 1 repository" in page
