import functools
import http.server
import threading
import zipfile

import pytest

from images.indexing.osv_files import advisory_files
from images.indexing.vulns import parse_advisory
from images.models import AffectedPackage, Vulnerability
from images.services.vulns import vulnerability_import
from tests.helpers.integration import require_vulndb

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

RECORD = """{{"id": "GHSA-test-0001", "modified": "{modified}", "summary": "{summary}",
 "severity": [{{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}],
 "affected": [{{"package": {{"ecosystem": "npm", "name": "left-pad"}},
   "ranges": [{{"type": "SEMVER", "events": [{{"introduced": "0"}}, {{"fixed": "1.3.0"}}]}}]}}]{withdrawn}}}
"""


def write(path, modified="2024-01-01T00:00:00Z", summary="first", withdrawn=""):
    path.write_text(RECORD.format(modified=modified, summary=summary, withdrawn=withdrawn))


def test_import_update_and_withdraw_by_modified(tmp_path):
    record = tmp_path / "GHSA-test-0001.json"
    write(record)
    assert (vulnerability_import(source=str(tmp_path)).created, Vulnerability.objects.count()) == (1, 1)
    vulnerability = Vulnerability.objects.get()
    assert (vulnerability.severity, vulnerability.cvss_score) == ("critical", 9.8)
    assert list(AffectedPackage.objects.values_list("ecosystem", "name")) == [("npm", "left-pad")]

    assert vulnerability_import(source=str(tmp_path)).unchanged == 1
    write(record, modified="2024-02-01T00:00:00Z", summary="second")
    assert vulnerability_import(source=str(tmp_path)).updated == 1
    assert Vulnerability.objects.get().summary == "second"

    write(record, modified="2024-03-01T00:00:00Z", withdrawn=', "withdrawn": "2024-03-01T00:00:00Z"')
    assert vulnerability_import(source=str(tmp_path)).removed == 1
    assert not Vulnerability.objects.exists() and not AffectedPackage.objects.exists()


def test_unreadable_records_are_listed_and_the_rest_still_land(tmp_path):
    write(tmp_path / "good.json")
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "no-id.yaml").write_text("summary: no id\n")
    result = vulnerability_import(source=str(tmp_path))
    assert result.created == 1
    assert sorted(f.split(":")[0] for f in result.failed) == ["broken.json", "no-id.yaml"]


def test_real_pypa_records_from_a_zip(tmp_path, settings):
    source = require_vulndb() / "pypa" / "vulns" / "jinja2"
    archive = tmp_path / "PyPI.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(source.iterdir()):
            zf.write(path, path.name)
    result = vulnerability_import(source=str(archive))
    assert result.created == len(list(source.iterdir())) and not result.failed
    assert set(AffectedPackage.objects.values_list("ecosystem", "name")) == {("PyPI", "jinja2")}


def test_import_from_a_url(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    write(served / "one.json")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = vulnerability_import(source=f"http://127.0.0.1:{server.server_port}/one.json")
    finally:
        server.shutdown()
    assert result.created == 1


def test_a_missing_source_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        vulnerability_import(source=str(tmp_path / "nope"))


def test_the_whole_snapshot_lands_with_its_dates_and_without_withdrawn_records():
    source = require_vulndb()
    records = {}
    for record_file in advisory_files(source):
        advisory = parse_advisory(record_file.read())
        records[advisory.id] = advisory
    result = vulnerability_import(source=str(source))
    live = {osv_id: advisory for osv_id, advisory in records.items() if advisory.withdrawn is None}
    assert (result.created, result.failed) == (len(live), [])
    stored = {row[0]: row[1:] for row in Vulnerability.objects.values_list("osv_id", "published", "modified")}
    assert stored.keys() == live.keys()
    assert "PYSEC-2022-43055" not in stored  # withdrawn in the snapshot
    for osv_id, (published, modified) in stored.items():
        assert (published, modified) == (live[osv_id].published, live[osv_id].modified), osv_id
    assert not Vulnerability.objects.filter(published=None).exclude(osv_id__startswith="PYSEC").exists()
    assert Vulnerability.objects.filter(published=None).count() == 9  # PyPA records that give none
