"""The indexer end to end, on real parts: a Debian minbase root filesystem made by debootstrap and
packed by umoci, pushed by skopeo into Debian's Go docker-registry, mirrored into Hub and indexed
by a Celery worker process on Redis and PostgreSQL, checked against dpkg-query and syft.

Slow tier: the root filesystem and its OCI layout are cached between runs (tests/helpers/rootfs.py).
"""

import hashlib
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers.integration import require, require_binary
from tests.helpers.rootfs import (
    CACHE_DIR,
    CACHE_VERSION,
    CREATED_BY,
    TAG,
    debian_layout,
    debian_rootfs,
    dpkg_packages,
    layout_manifest,
    noisy_layout,
    syft_binary,
    syft_scan,
)
from tests.helpers.upstream import docker_registry
from tests.helpers.worker import hub_backend

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

SITE_PACKAGES = "usr/local/lib/python3.11/site-packages"
OLD_PINS = {"Jinja2": "2.10", "urllib3": "1.24.1", "requests": "2.19.1"}
NEWER_PINS = {"Jinja2": "2.11.3", "urllib3": "1.26.5", "requests": "2.19.1"}
# The PyPA advisories (shared/vulndb/pypa) that apply to the pins, with the version each is fixed in:
# read off the records' ECOSYSTEM ranges (git ranges name commits, not releases).
OLD_PINS_ADVISORIES = {
    ("jinja2", "2.10", "PYSEC-2019-217", "2.10.1"),
    ("jinja2", "2.10", "PYSEC-2021-66", "2.11.3"),
    ("urllib3", "1.24.1", "PYSEC-2019-132", "1.24.3"),
    ("urllib3", "1.24.1", "PYSEC-2019-133", "1.24.2"),
    ("urllib3", "1.24.1", "PYSEC-2020-148", "1.25.9"),
    ("urllib3", "1.24.1", "PYSEC-2021-108", "1.26.5"),
    ("urllib3", "1.24.1", "PYSEC-2023-192", "1.26.17"),
    ("urllib3", "1.24.1", "PYSEC-2023-207", "1.24.2"),
    ("urllib3", "1.24.1", "PYSEC-2023-212", "1.26.18"),
}
NEWER_PINS_ADVISORIES = {
    ("urllib3", "1.26.5", "PYSEC-2023-192", "1.26.17"),
    ("urllib3", "1.26.5", "PYSEC-2023-212", "1.26.18"),
}
# Not affected: fixed before the pinned release, or a range that starts after it.
NOT_APPLYING = {"PYSEC-2014-8", "PYSEC-2019-220", "PYSEC-2018-32", "PYSEC-2017-98", "PYSEC-2021-59", "PYSEC-2020-149"}

RECOVER = "from images.tasks import manifest_index_recover_task; manifest_index_recover_task.delay()"


@pytest.fixture(scope="module")
def debian():
    """(rootfs, OCI layout) of the cached Debian minbase image."""
    for binary in ("umoci", "skopeo", "docker-registry", "dpkg-query"):
        require_binary(binary)
    syft_binary()
    if not (CACHE_DIR / CACHE_VERSION / "rootfs").exists():
        require_binary("debootstrap")
    return debian_rootfs(), debian_layout()


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    with docker_registry(tmp_path_factory.mktemp("upstream")) as address:
        yield address


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    # A short lease, so that a run whose worker was killed is taken over within seconds.
    with hub_backend(tmp_path_factory.mktemp("hub"), lease_seconds=5) as backend:
        yield backend


def skopeo_push(layout: Path, tag: str, destination: str) -> None:
    subprocess.run(
        [require_binary("skopeo"), "copy", "--quiet", "--dest-tls-verify=false", f"oci:{layout}:{tag}", destination],
        check=True,
        capture_output=True,
        timeout=600,
    )


def mirror_through_worker(hub, upstream: str, path: str, repository: str) -> None:
    """Add a mirror and send its sync to the worker (mirror queue); the worker indexes what it copies."""
    hub.shell_json(
        "from django.contrib.auth import get_user_model\n"
        "from images.services.mirrors import mirror_create, mirror_enqueue\n"
        "alice = get_user_model().objects.get(username='alice')\n"
        f"mirror = mirror_create(user=alice, repository={repository!r}, upstream={f'{upstream}/{path}'!r})\n"
        "mirror_enqueue(mirror=mirror)\n"
        "result = mirror.pk"
    )


def image_rows(hub, repository: str, tag: str) -> dict:
    """What Hub stored for repository:tag: manifest fields, layer rows, packages and findings."""
    namespace, name = repository.split("/", 1)
    return hub.shell_json(
        "from images.models import Manifest\n"
        f"m = Manifest.objects.get(repository__namespace__name={namespace!r}, repository__name={name!r}, "
        f"tags__name={tag!r})\n"
        "result = {\n"
        "  'digest': m.digest, 'status': m.index_status, 'error': m.index_error, 'os_name': m.os_name,\n"
        "  'os_ecosystem': m.os_ecosystem, 'architecture': m.architecture,\n"
        "  'layers': list(m.layers.order_by('position').values_list('position', 'digest', 'empty_layer', "
        "'created_by')),\n"
        "  'packages': list(m.packages.values_list('type', 'name', 'version', 'arch', 'layer__position')),\n"
        "  'findings': list(m.findings.values_list('package__name', 'package__version', 'vulnerability__osv_id', "
        "'fixed_version')),\n"
        "}"
    )


def test_debian_minbase_packages_equal_dpkg_query_and_syft(debian, upstream, hub):
    rootfs, layout = debian
    skopeo_push(layout, TAG, f"docker://{upstream}/debian/minbase:{TAG}")
    mirror_through_worker(hub, upstream, "debian/minbase", "alice/debian")
    assert hub.wait_indexed("alice/debian", TAG) == "indexed", image_rows(hub, "alice/debian", TAG)["error"]

    image = image_rows(hub, "alice/debian", TAG)
    hub_debs = {(name, version) for kind, name, version, _arch, _layer in image["packages"] if kind == "deb"}
    dpkg = dpkg_packages(rootfs)
    syft = {(a["name"], a["version"]) for a in syft_scan(layout)["artifacts"] if a["type"] == "deb"}

    assert len(dpkg) > 80  # minbase: about ninety packages
    assert hub_debs == dpkg
    assert hub_debs == syft
    assert len(image["packages"]) == len(hub_debs)  # nothing listed twice, nothing but debs
    assert image["os_ecosystem"] == "Debian:12"
    assert "bookworm" in image["os_name"]
    assert image["architecture"] == "amd64"
    mirror = hub.query(
        """SELECT m.status, m.tags_synced FROM images_mirror m JOIN images_repository r ON r.id = m.repository_id
           WHERE r.name = 'debian'"""
    )
    assert mirror == [("ok", 1)]
    # One layer from debootstrap, then umoci's empty config step; every package comes from the first.
    manifest = layout_manifest(layout)
    assert [(p, d, e) for p, d, e, _ in image["layers"]] == [(0, manifest["layers"][0]["digest"], False), (1, "", True)]
    assert image["layers"][0][3] == CREATED_BY
    assert {layer for *_, layer in image["packages"]} == {0}
    # Mirrored byte for byte: the digest upstream is the digest here.
    inspect = subprocess.run(
        [
            require_binary("skopeo"),
            "inspect",
            "--raw",
            "--tls-verify=false",
            f"docker://{upstream}/debian/minbase:{TAG}",
        ],
        check=True,
        capture_output=True,
    )
    assert image["digest"] == "sha256:" + hashlib.sha256(inspect.stdout).hexdigest()


def push_pinned_image(hub, repository: str, tag: str, pins: dict[str, str]) -> None:
    """Build an image with pip-style dist-info for `pins` and push it through Hub's registry services
    (images.services.demo.image_push); the commit sends it to the worker."""
    hub.shell_json(
        "from images.services.demo import dist_info_layer, image_push\n"
        "from images.oci.build import LayerSpec, image_build\n"
        "from images.services.authorization import SYSTEM\nfrom images.services.repositories import repository_ensure\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.db import transaction\n"
        f"namespace, name = {repository!r}.split('/', 1)\n"
        f"image = image_build([LayerSpec(dist_info_layer({pins!r}, {SITE_PACKAGES!r}), 'RUN pip install pinned')])\n"
        "with transaction.atomic():\n"
        "    repository = repository_ensure(actor=SYSTEM, namespace_name=namespace, name=name)\n"
        f"    image_push(repository=repository, image=image, tag={tag!r}, "
        "pushed_by=get_user_model().objects.get(username='alice'))\n"
        "result = image.digest"
    )


def test_pinned_python_packages_get_the_pypa_advisories_that_apply(upstream, hub, tmp_path):
    from images.services.demo import demo_vulndb

    vulndb = demo_vulndb()
    require(vulndb is not None and (vulndb / "pypa").is_dir(), "shared/vulndb/pypa is not beside the project")
    for binary in ("skopeo", "docker-registry"):
        require_binary(binary)

    # Pushed before the advisories are known: indexed without findings, then matched on import.
    push_pinned_image(hub, "alice/webapp", "1.9", OLD_PINS)
    assert hub.wait_indexed("alice/webapp", "1.9") == "indexed"
    before = image_rows(hub, "alice/webapp", "1.9")
    assert {(kind, name, version) for kind, name, version, *_ in before["packages"]} == {
        ("pypi", "Jinja2", "2.10"),
        ("pypi", "urllib3", "1.24.1"),
        ("pypi", "requests", "2.19.1"),
    }
    assert before["findings"] == []

    output = hub.manage("import_vulns", "--no-progress", str(vulndb / "pypa"))
    assert re.search(r"\d+ new", output), output
    after = image_rows(hub, "alice/webapp", "1.9")
    found = {(name.lower(), version, osv_id, fixed) for name, version, osv_id, fixed in after["findings"]}
    jinja_urllib3 = {row for row in found if row[0] in ("jinja2", "urllib3")}
    assert jinja_urllib3 == OLD_PINS_ADVISORIES
    assert not {osv_id for _, _, osv_id, _ in found} & NOT_APPLYING

    # Mirrored after the import (through the worker): the indexer matches it on its own.
    from images.oci.build import LayerSpec, image_build, oci_layout_write
    from images.services.demo import dist_info_layer

    newer = image_build([LayerSpec(dist_info_layer(NEWER_PINS, SITE_PACKAGES), "RUN pip install pinned")])
    oci_layout_write(tmp_path / "newer", newer, "1.10")
    skopeo_push(tmp_path / "newer", "1.10", f"docker://{upstream}/acme/webapp:1.10")
    mirror_through_worker(hub, upstream, "acme/webapp", "alice/webapp-mirror")
    assert hub.wait_indexed("alice/webapp-mirror", "1.10") == "indexed"
    mirrored = image_rows(hub, "alice/webapp-mirror", "1.10")
    found = {(name.lower(), version, osv_id, fixed) for name, version, osv_id, fixed in mirrored["findings"]}
    assert {row for row in found if row[0] in ("jinja2", "urllib3")} == NEWER_PINS_ADVISORIES


def index_runs(log: str) -> list[str]:
    """The results of every finished images.manifest_index_task in a worker log."""
    return re.findall(r"Task images\.manifest_index_task\[[^\]]+\] succeeded in [\d.]+s: '(\w+)'", log)


def test_killing_the_worker_mid_index_ends_with_the_image_indexed_exactly_once(debian, upstream, hub):
    rootfs, layout = debian
    # Big enough that indexing takes a while (longer than the lease): debootstrap's layer, then a
    # layer of a quarter million small incompressible files.
    big = noisy_layout(files=250_000, size=256)
    skopeo_push(big, TAG, f"docker://{upstream}/debian/big:{TAG}")
    log_before = len(hub.worker_log())
    mirror_through_worker(hub, upstream, "debian/big", "alice/big")

    def indexing_noise_layer():
        rows = hub.query(
            """SELECT m.id, m.index_status, m.index_progress FROM images_manifest m
               JOIN images_tag t ON t.manifest_id = m.id JOIN images_repository r ON r.id = t.repository_id
               WHERE r.name = 'big' AND t.name = %s""",
            (TAG,),
        )
        # progress is 90 * layer / layers while a layer is read: 45 means the second (noise) layer.
        return rows[0][0] if rows and rows[0][1] == "indexing" and rows[0][2] >= 45 else None

    manifest_id = hub.wait_for("indexing to reach the noise layer", indexing_noise_layer, timeout=300, every=0.05)
    hub.worker_kill()
    assert hub.query("SELECT index_status FROM images_manifest WHERE id = %s", (manifest_id,)) == [("indexing",)]
    assert hub.query("SELECT count(*) FROM images_layer WHERE manifest_id = %s", (manifest_id,)) == [(0,)]
    assert hub.query("SELECT count(*) FROM images_package WHERE manifest_id = %s", (manifest_id,)) == [(0,)]
    assert "indexed" not in index_runs(hub.worker_log()[log_before:])

    restarted_at = len(hub.worker_log())
    hub.worker_start()

    # What beat does every minute, here every two seconds: hand stalled runs to a worker. Keep
    # doing it after the image is indexed, so late duplicates get their chance to do harm.
    def recover_until_indexed():
        hub.manage("shell", "-c", RECOVER)
        time.sleep(2)
        return hub.query("SELECT index_status FROM images_manifest WHERE id = %s", (manifest_id,))[0][0] == "indexed"

    hub.wait_for("the recovered run to index the image", recover_until_indexed, timeout=300, every=0)
    for _ in range(4):
        hub.manage("shell", "-c", RECOVER)
        time.sleep(2)

    image = image_rows(hub, "alice/big", TAG)
    assert image["status"] == "indexed", image["error"]
    manifest = layout_manifest(big)
    assert [(p, d, e) for p, d, e, _ in image["layers"]] == [
        (0, manifest["layers"][0]["digest"], False),
        (1, "", True),
        (2, manifest["layers"][1]["digest"], False),
    ]
    debs = [(name, version) for kind, name, version, *_ in image["packages"] if kind == "deb"]
    assert sorted(debs) == sorted(dpkg_packages(rootfs))  # each once
    assert len(image["packages"]) == len(debs)
    # Exactly one run after the restart wrote the image; any duplicate found the work done.
    runs = index_runs(hub.worker_log()[restarted_at:])
    assert runs.count("indexed") == 1, runs
    assert set(runs) <= {"indexed", "busy"}, runs
    assert hub.query("SELECT count(*) FROM images_manifest WHERE index_status = 'indexing'") == [(0,)]
