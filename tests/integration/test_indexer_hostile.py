"""Hostile images through the real indexer: pushed through Hub's registry services, indexed by a
Celery worker process on Redis and PostgreSQL. A layer whose GNU long-name tar header claims 1 GiB
(about 1 MB compressed) fails as hostile while the worker's memory stays where it was; a deeply
nested package.json is skipped with the reason in the worker's log, and the image is indexed."""

import re
from pathlib import Path

import pytest

from tests.helpers.hostile import long_name_layer_file
from tests.helpers.worker import hub_backend

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

GROWTH_LIMIT_KB = 256 << 10  # the old walk read the whole 1 GiB name, and grew by about 3 GB


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    with hub_backend(tmp_path_factory.mktemp("hub"), worker=False) as backend:
        backend.worker_start(concurrency=1)  # one pool process: the one that indexes
        yield backend


def push(hub, repository: str, tag: str, layer_files: list[Path] = (), files: str = "") -> None:
    """Push an image of these layers (gzip'd tar files, and/or one layer of `files`, a Python
    expression for path -> bytes, evaluated in the Hub process: a command line cannot hold 200 KB)
    through Hub's registry services (images.services.demo.image_push); the commit sends it to the
    worker."""
    hub.shell_json(
        "from pathlib import Path\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.db import transaction\n"
        "from images.services.demo import image_push\n"
        "from images.services.authorization import SYSTEM\n"
        "from images.services.repositories import repository_ensure\n"
        "from tests.helpers.hostile import gzip_tar, raw_image\n"
        f"layers = [Path(path).read_bytes() for path in {[str(path) for path in layer_files]!r}]\n"
        f"layers += [gzip_tar({files or '{}'})] if {bool(files)!r} else []\n"
        f"namespace, name = {repository!r}.split('/', 1)\n"
        "with transaction.atomic():\n"
        "    repository = repository_ensure(actor=SYSTEM, namespace_name=namespace, name=name)\n"
        f"    image_push(repository=repository, image=raw_image(layers), tag={tag!r}, "
        "pushed_by=get_user_model().objects.get(username='alice'))\n"
        "result = len(layers)"
    )


def index_result(hub, repository: str, tag: str) -> tuple[str, str, list[str]]:
    namespace, name = repository.split("/", 1)
    rows = hub.query(
        """SELECT m.index_status, m.index_error, m.id FROM images_manifest m
           JOIN images_tag t ON t.manifest_id = m.id JOIN images_repository r ON r.id = t.repository_id
           JOIN images_namespace n ON n.id = r.namespace_id
           WHERE n.name = %s AND r.name = %s AND t.name = %s""",
        (namespace, name, tag),
    )
    status, error, manifest_id = rows[0]
    packages = [row[0] for row in hub.query("SELECT name FROM images_package WHERE manifest_id = %s", (manifest_id,))]
    return status, error, sorted(packages)


def worker_peaks(hub) -> dict[int, int]:
    """Peak resident memory (VmHWM, KiB) of each process of the worker's process group."""
    peaks = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            group = int(stat.read_text().rsplit(")", 1)[1].split()[2])
            status = (stat.parent / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue  # a process that ended meanwhile
        if group == hub.worker.pid and (peak := re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)):
            peaks[int(stat.parent.name)] = int(peak[1])
    return peaks


def test_a_one_gib_long_name_header_fails_as_hostile_with_the_worker_memory_bounded(hub, tmp_path):
    layer = long_name_layer_file(tmp_path)
    assert layer.stat().st_size < 2 << 20

    # A first image warms the pool process up (imports, connections), so that what follows is
    # the hostile layer's cost alone.
    push(hub, "alice/warm", "1", files='{"etc/hostname": b"warm\\n"}')
    assert hub.wait_indexed("alice/warm", "1") == "indexed"
    before = worker_peaks(hub)
    assert len(before) == 2  # the worker and its one pool process

    push(hub, "alice/hostile", "1", layer_files=[layer])
    assert hub.wait_indexed("alice/hostile", "1") == "failed"
    after = worker_peaks(hub)

    status, error, packages = index_result(hub, "alice/hostile", "1")
    assert error == "layer 0: GNU long-name tar header of 1073741824 bytes exceeds the 1 MiB limit"
    assert packages == []
    assert after.keys() == before.keys(), "a worker process was replaced (killed for its memory?)"
    growth = {pid: after[pid] - before[pid] for pid in before}
    assert max(growth.values()) < GROWTH_LIMIT_KB, growth
    assert "Traceback" not in hub.worker_log()


def test_a_deeply_nested_package_json_is_skipped_and_logged_and_the_image_indexed(hub):
    files = (
        '{"usr/lib/python3/dist-packages/six-1.17.0.dist-info/METADATA": b"Name: six\\nVersion: 1.17.0\\n", '
        '"app/node_modules/deep/package.json": b"[" * 100_000 + b"]" * 100_000}'
    )
    push(hub, "alice/deep", "1", files=files)
    assert hub.wait_indexed("alice/deep", "1") == "indexed"
    assert index_result(hub, "alice/deep", "1") == ("indexed", "", ["six"])
    assert (
        "skipped app/node_modules/deep/package.json: package.json is nested deeper than 64 levels" in hub.worker_log()
    )
    assert "RecursionError" not in hub.worker_log()
